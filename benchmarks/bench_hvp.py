"""Claim 5: a Hessian-vector product costs about what a hand-written R-op does.

Loss of a 784-256-256-10 MLP (tanh hidden layers, stable softmax cross-entropy), batch 128,
float64. Hessian-vector product w.r.t. the parameter pytree [(W1, b1), (W2, b2), (W3, b3)]
along a random direction of the same structure:

* chainrule: ``cr.hvp`` (forward-over-reverse) on the plain-NumPy loss;
* hand NumPy (1.00): Pearlmutter's R-operator written out by hand (forward pass with
  R-forward, backward pass with R-backward); checked against central finite differences of the
  hand-written gradient and against chainrule to 1e-8 before any timing;
* autograd: ``autograd.make_hvp`` (reverse-over-reverse);
* PyTorch: double backward (``torch.autograd.grad(..., create_graph=True)`` then the gradient
  of <grad, v>); also ``torch.func.jvp`` over ``torch.func.grad`` (forward-over-reverse).

Target: <= 1.3x the hand R-op (reference on the 2-core machine: autograd 2.1x, PyTorch double
backward 1.1x).

Run: .venv/bin/python benchmarks/bench_hvp.py [--quick]
"""

from __future__ import annotations

import numpy as np
from common import (
    Table,
    add_chainrule,
    assert_close,
    exit_code,
    flat,
    header,
    optional,
    parse_args,
    verdict,
)

import chainrule as cr

SIZES = [784, 256, 256, 10]
BATCH = 128


def make_problem(seed: int = 0):
    rng = np.random.default_rng(seed)
    params, vec = [], []
    for n_in, n_out in zip(SIZES[:-1], SIZES[1:], strict=True):
        params.append((rng.standard_normal((n_in, n_out)) / np.sqrt(n_in),
                       rng.standard_normal(n_out) * 0.1))
        vec.append((rng.standard_normal((n_in, n_out)), rng.standard_normal(n_out)))
    X = rng.standard_normal((BATCH, SIZES[0]))
    Y = np.eye(SIZES[-1])[rng.integers(0, SIZES[-1], BATCH)]
    return params, vec, X, Y


def loss(params, X, Y):
    """The loss as a user writes it: plain NumPy."""
    h = X
    for W, b in params[:-1]:
        h = np.tanh(h @ W + b)
    W, b = params[-1]
    logits = h @ W + b
    z = logits - np.max(logits, axis=1, keepdims=True)
    logp = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return -np.sum(Y * logp) / X.shape[0]


def _softmax(z):
    e = np.exp(z - np.max(z, axis=1, keepdims=True))
    return e / np.sum(e, axis=1, keepdims=True)


def numpy_grad(params, X, Y):
    """Hand-written backpropagation (used to validate the R-op by finite differences)."""
    hs = [X]
    for W, b in params[:-1]:
        hs.append(np.tanh(hs[-1] @ W + b))
    W, b = params[-1]
    d = (_softmax(hs[-1] @ W + b) - Y) / X.shape[0]
    grads = []
    for i in range(len(params) - 1, -1, -1):
        W, _ = params[i]
        h = hs[i]
        grads.append((h.T @ d, d.sum(axis=0)))
        if i > 0:
            d = (d @ W.T) * (1 - h * h)
    return grads[::-1]


def numpy_hvp(params, vec, X, Y):
    """Pearlmutter's R-operator by hand: H v for the pytree direction ``vec``.

    R{.} is the directional derivative along v. Forward: R a = R h W + h V_W + V_b,
    R h' = (1 - h'^2) R a. Softmax: R p = p (R z - sum(p R z)). Backward, with d the cotangent
    of a layer's pre-activation: R(dW) = R h^T d + h^T R d, R(db) = sum R d,
    R(dh) = R d W^T + d V_W^T, R(d_prev) = R(dh) (1 - h^2) - 2 dh h R h.
    """
    hs, rhs = [X], [None]  # the input is constant: R X = 0
    for (W, b), (VW, Vb) in zip(params[:-1], vec[:-1], strict=True):
        h, rh = hs[-1], rhs[-1]
        ra = h @ VW + Vb if rh is None else rh @ W + h @ VW + Vb
        h_new = np.tanh(h @ W + b)
        hs.append(h_new)
        rhs.append((1 - h_new * h_new) * ra)
    (W, b), (VW, Vb) = params[-1], vec[-1]
    h, rh = hs[-1], rhs[-1]
    rz = rh @ W + h @ VW + Vb
    p = _softmax(h @ W + b)
    rp = p * (rz - np.sum(p * rz, axis=1, keepdims=True))
    batch = X.shape[0]
    d, rd = (p - Y) / batch, rp / batch
    out = []
    for i in range(len(params) - 1, -1, -1):
        (W, _), (VW, _) = params[i], vec[i]
        h, rh = hs[i], rhs[i]
        r_dw = h.T @ rd if rh is None else rh.T @ d + h.T @ rd
        out.append((r_dw, rd.sum(axis=0)))
        if i > 0:
            dh = d @ W.T
            r_dh = rd @ W.T + d @ VW.T
            s = 1 - h * h
            d, rd = dh * s, r_dh * s - 2 * dh * h * rh
    return out[::-1]


def _axpy(a, x, y):
    return [(W + a * VW, b + a * Vb) for (W, b), (VW, Vb) in zip(y, x, strict=True)]


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    header("bench_hvp", f"Hessian-vector product, MLP {'-'.join(map(str, SIZES))} (tanh), "
                        f"batch {BATCH}, float64, w.r.t. the parameter pytree")
    budget = 0.3 if args.quick else 3.0
    params, vec, X, Y = make_problem()
    want = flat(numpy_hvp(params, vec, X, Y))

    # Independent check of the hand R-op: central differences of the hand-written gradient.
    eps = 1e-5
    fd = [
        (a - b) / (2 * eps)
        for a, b in zip(flat(numpy_grad(_axpy(eps, vec, params), X, Y)),
                        flat(numpy_grad(_axpy(-eps, vec, params), X, Y)), strict=True)
    ]
    assert_close("hand R-op vs finite differences", want, fd, rtol=1e-5, rel_atol=1e-6)

    table = Table(f"H v, MLP {'-'.join(map(str, SIZES))}, batch {BATCH}, float64")
    table.add("numpy (hand R-op)", lambda: numpy_hvp(params, vec, X, Y))

    def f(p):
        return loss(p, X, Y)

    def cr_hvp():
        return cr.hvp(f, (params,), (vec,))[0]

    # The brief: the hand R-op must match chainrule to 1e-8 before timing.
    ok = add_chainrule(table, "chainrule (fwd-over-rev)", cr_hvp, lambda got: assert_close(
        "chainrule cr.hvp", flat(got), want, rtol=1e-8, rel_atol=1e-8))

    ag = optional("autograd")
    if ag is not None:
        anp = ag.numpy

        def ag_loss(params):
            h = X
            for W, b in params[:-1]:
                h = anp.tanh(anp.dot(h, W) + b)
            W, b = params[-1]
            logits = anp.dot(h, W) + b
            z = logits - anp.max(logits, axis=1, keepdims=True)
            logp = z - anp.log(anp.sum(anp.exp(z), axis=1, keepdims=True))
            return -anp.sum(Y * logp) / X.shape[0]

        def ag_hvp():
            return ag.make_hvp(ag_loss)(params)[0](vec)

        assert_close("autograd make_hvp", flat(ag_hvp()), want, rtol=1e-8, rel_atol=1e-8)
        table.add("autograd (rev-over-rev)", ag_hvp)

    torch = optional("torch")
    if torch is not None:
        tparams = [torch.from_numpy(a).requires_grad_() for a in flat(params)]
        tvec = [torch.from_numpy(a) for a in flat(vec)]
        Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)

        def t_loss(*ps):
            h = Xt
            for k in range(0, len(ps) - 2, 2):
                h = torch.tanh(h @ ps[k] + ps[k + 1])
            logits = h @ ps[-2] + ps[-1]
            z = logits - torch.amax(logits, dim=1, keepdim=True)
            logp = z - torch.log(torch.sum(torch.exp(z), dim=1, keepdim=True))
            return -torch.sum(Yt * logp) / Xt.shape[0]

        def torch_double_backward():
            g = torch.autograd.grad(t_loss(*tparams), tparams, create_graph=True)
            dot = sum(torch.sum(gi * vi) for gi, vi in zip(g, tvec, strict=True))
            return [h.numpy() for h in torch.autograd.grad(dot, tparams)]

        assert_close("torch double backward", torch_double_backward(), want,
                     rtol=1e-8, rel_atol=1e-8)
        table.add("torch double backward", torch_double_backward, own_threads=True)

        detached = [p.detach() for p in tparams]
        argnums = tuple(range(len(detached)))

        def torch_func_hvp():
            g = torch.func.grad(t_loss, argnums=argnums)
            return [h.numpy() for h in torch.func.jvp(g, tuple(detached), tuple(tvec))[1]]

        try:
            assert_close("torch.func", torch_func_hvp(), want, rtol=1e-8, rel_atol=1e-8)
        except Exception as e:  # noqa: BLE001  (an optional extra row)
            table.add("torch.func jvp(grad)", None, f"skipped: {type(e).__name__}: {e}")
        else:
            table.add("torch.func jvp(grad)", torch_func_hvp, "forward-over-reverse",
                      own_threads=True)

    table.measure(budget)
    table.print("numpy (hand R-op)")
    t_np, t_cr = table.value("numpy (hand R-op)"), table.value("chainrule (fwd-over-rev)")
    ratio = None if t_cr is None else t_cr / t_np
    verdict("hvp", ratio, 1.3, "chainrule cr.hvp time / hand R-op time <= 1.30", table)
    exit_code(ok)


if __name__ == "__main__":
    main()
