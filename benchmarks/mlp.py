"""The ReLU MLP with softmax cross-entropy shared by bench_mlp_large.py and bench_mlp_small.py.

The same computation five ways: plain NumPy code differentiated by chainrule, a hand-written
NumPy backward pass (the 1.00 reference), HIPS autograd, and PyTorch CPU eager, all written with
the same operations (``h @ W + b``, ReLU, max-shifted log-sum-exp, mean negative log-likelihood).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
    profile,
    verdict,
)

import chainrule as cr


def make_problem(sizes: list[int], batch: int, dtype: Any, seed: int = 0):
    """Parameters [(W1, b1), ...], inputs X and one-hot targets Y."""
    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        W = (rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)).astype(dtype)
        b = (rng.standard_normal(n_out) * 0.01).astype(dtype)
        params.append((W, b))
    X = rng.standard_normal((batch, sizes[0])).astype(dtype)
    Y = np.eye(sizes[-1], dtype=dtype)[rng.integers(0, sizes[-1], batch)]
    return params, X, Y


def loss(params, X, Y):
    """The loss as a user writes it: plain NumPy."""
    h = X
    for W, b in params[:-1]:
        h = np.maximum(h @ W + b, 0)
    W, b = params[-1]
    logits = h @ W + b
    z = logits - np.max(logits, axis=1, keepdims=True)
    logp = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return -np.sum(Y * logp) / X.shape[0]


def numpy_value_and_grad(params, X, Y):
    """Hand-written forward pass (keeping activations) and backpropagation."""
    acts = [X]
    h = X
    for W, b in params[:-1]:
        h = np.maximum(h @ W + b, 0)
        acts.append(h)
    W, b = params[-1]
    logits = h @ W + b
    z = logits - np.max(logits, axis=1, keepdims=True)
    e = np.exp(z)
    s = np.sum(e, axis=1, keepdims=True)
    batch = X.shape[0]
    value = -np.sum(Y * (z - np.log(s))) / batch
    d = (e / s - Y) / batch  # d loss / d logits
    grads = []
    for i in range(len(params) - 1, -1, -1):
        W, b = params[i]
        h = acts[i]
        grads.append((h.T @ d, np.sum(d, axis=0)))
        if i > 0:
            d = (d @ W.T) * (h > 0)  # ReLU: h = max(pre, 0), so pre > 0 <=> h > 0
    grads.reverse()
    return value, grads


def run(name: str, title: str, sizes: list[int], batch: int, dtype: Any, target: float,
        rtol: float, rel_atol: float, budget: float, quick_budget: float,
        profile_calls: int) -> None:
    args = parse_args(title, profile=True)
    dt = np.dtype(dtype).name
    header(name, f"MLP {'-'.join(map(str, sizes))}, batch {batch}, {dt}, ReLU, softmax "
                 "cross-entropy; value and gradient w.r.t. all weights and biases")
    budget = quick_budget if args.quick else budget
    params, X, Y = make_problem(sizes, batch, dtype)
    want_v, want_g = numpy_value_and_grad(params, X, Y)
    want = [want_v, *flat(want_g)]

    def check(lib: str, result: Any) -> None:
        v, g = result
        got = [v, *flat(g)]
        for a in got[1:]:
            if np.dtype(a.dtype) != np.dtype(dtype):
                raise AssertionError(f"{lib}: gradient dtype {a.dtype}, expected {dt}")
        assert_close(lib, got, want, rtol=rtol, rel_atol=rel_atol)

    table = Table(f"value and gradient, MLP {'-'.join(map(str, sizes))}, batch {batch}, {dt}")
    table.add("numpy (hand)", lambda: numpy_value_and_grad(params, X, Y))

    vg = cr.value_and_grad(loss)
    cr_call: Callable[[], Any] = lambda: vg(params, X, Y)  # noqa: E731
    ok = add_chainrule(table, "chainrule", cr_call, lambda got: check("chainrule", got))

    ag = optional("autograd")
    if ag is not None:
        anp = ag.numpy

        def ag_loss(params, X, Y):
            h = X
            for W, b in params[:-1]:
                h = anp.maximum(anp.dot(h, W) + b, 0)
            W, b = params[-1]
            logits = anp.dot(h, W) + b
            z = logits - anp.max(logits, axis=1, keepdims=True)
            logp = z - anp.log(anp.sum(anp.exp(z), axis=1, keepdims=True))
            return -anp.sum(Y * logp) / X.shape[0]

        ag_vg = ag.value_and_grad(ag_loss)
        check("autograd", ag_vg(params, X, Y))
        table.add("autograd", lambda: ag_vg(params, X, Y))

    torch = optional("torch")
    if torch is not None:
        tparams = [tuple(torch.from_numpy(p).requires_grad_() for p in wb) for wb in params]
        tflat = flat(tparams)
        Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)

        def torch_vg():
            h = Xt
            for W, b in tparams[:-1]:
                h = torch.relu(h @ W + b)
            W, b = tparams[-1]
            logits = h @ W + b
            z = logits - torch.amax(logits, dim=1, keepdim=True)
            logp = z - torch.log(torch.sum(torch.exp(z), dim=1, keepdim=True))
            value = -torch.sum(Yt * logp) / Xt.shape[0]
            grads = torch.autograd.grad(value, tflat)
            return value.detach().numpy(), [g.numpy() for g in grads]

        check("torch", torch_vg())
        table.add("torch eager (CPU)", torch_vg, "same ops (not the fused F.cross_entropy)",
                  own_threads=True)

    table.measure(budget, min_sample=2e-2)
    table.print()
    t_np, t_cr = table.value("numpy (hand)"), table.value("chainrule")
    ratio = None if t_cr is None else t_cr / t_np
    verdict(name.removeprefix("bench_"), ratio, target,
            f"chainrule time / hand NumPy time <= {target:.2f}", table)
    if args.profile and t_cr is not None:
        profile(cr_call, calls=profile_calls)
    exit_code(ok)
