"""Claim 1: on a tiny graph the fixed cost per call is small.

Seed 004's worked example, value and gradient:
L(w) = sum over two examples of (c - sigmoid(w . x))^2, x extended by a leading 1,
X = [[1, 1, 1.5], [1, 1.5, -1]], c = [0, 1], w = (-1, 1.5, 0.5)  ->  L = 0.7071,
grad = (0.1293, 0.0594, 0.5435). Written as ordinary NumPy code.

Target: chainrule <= 0.5x PyTorch eager (reference on the 2-core machine: hand NumPy 10 us,
autograd 310 us, PyTorch eager 163 us, so about <= 80 us). Without PyTorch the absolute
bound 0.5 x 163 us is used.

Run: .venv/bin/python benchmarks/bench_tiny_graph.py [--quick] [--profile]
"""

from __future__ import annotations

import numpy as np
from common import (
    Table,
    add_chainrule,
    assert_close,
    exit_code,
    header,
    optional,
    parse_args,
    profile,
    verdict,
)

import chainrule as cr

X = np.array([[1.0, 1.0, 1.5], [1.0, 1.5, -1.0]])
C = np.array([0.0, 1.0])
W0 = np.array([-1.0, 1.5, 0.5])
REF_TORCH = 163e-6  # reference PyTorch eager time on the 2-core machine


def loss(w):
    """The function as a user writes it: plain NumPy."""
    return np.sum((C - 1 / (1 + np.exp(-(X @ w)))) ** 2)


def numpy_value_and_grad(w):
    """Hand-written forward and backward pass."""
    z = X @ w
    s = 1 / (1 + np.exp(-z))
    r = C - s
    value = np.sum(r * r)
    dz = -2 * r * s * (1 - s)
    return value, X.T @ dz


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], profile=True)
    header("bench_tiny_graph", "seed 004 tiny graph: value and gradient of L(w), w in R^3")
    budget = 0.3 if args.quick else 2.5
    want = numpy_value_and_grad(W0)
    seed = np.array([0.1293, 0.0594, 0.5435])
    assert_close("hand NumPy vs seed 004", want[1], seed, rtol=0, atol=1e-4)

    table = Table("value and gradient of seed 004's L(w), float64")
    table.add("numpy (hand)", lambda: numpy_value_and_grad(W0))

    vg = cr.value_and_grad(loss)
    ok = add_chainrule(table, "chainrule", lambda: vg(W0), lambda got: assert_close(
        "chainrule", got, want, rtol=1e-12, atol=1e-14))

    ag = optional("autograd")
    if ag is not None:
        anp = ag.numpy

        def ag_loss(w):
            return anp.sum((C - 1 / (1 + anp.exp(-anp.dot(X, w)))) ** 2)

        ag_vg = ag.value_and_grad(ag_loss)
        assert_close("autograd", ag_vg(W0), want, rtol=1e-12, atol=1e-14)
        table.add("autograd", lambda: ag_vg(W0))

    torch = optional("torch")
    if torch is not None:
        Xt, Ct = torch.from_numpy(X), torch.from_numpy(C)

        def torch_vg(w):
            wt = torch.from_numpy(w).requires_grad_()
            value = torch.sum((Ct - 1 / (1 + torch.exp(-(Xt @ wt)))) ** 2)
            value.backward()
            return value.detach().numpy(), wt.grad.numpy()

        assert_close("torch", torch_vg(W0), want, rtol=1e-12, atol=1e-14)
        table.add("torch eager (CPU)", lambda: torch_vg(W0), own_threads=True)

    table.measure(budget, min_sample=1e-3)
    table.print()
    t_cr, t_torch = table.value("chainrule"), table.value("torch eager (CPU)")
    if t_cr is not None:
        print(f"chainrule absolute: {t_cr * 1e6:.1f} us per value-and-gradient call")
    if t_torch is not None:
        ratio = None if t_cr is None else t_cr / t_torch
        if ratio is not None:
            print(f"chainrule / torch eager: {ratio:.2f}")
        verdict("tiny_graph", ratio, 0.5, "chainrule time / PyTorch eager time <= 0.5", table)
    else:
        print("torch not installed: using the absolute bound 0.5 x 163 us (reference torch time)")
        us = None if t_cr is None else t_cr * 1e6
        verdict("tiny_graph", us, 0.5 * REF_TORCH * 1e6, "chainrule time in us <= 81.5", table)

    if args.profile and t_cr is not None:
        profile(lambda: vg(W0), calls=2000)
    exit_code(ok)


if __name__ == "__main__":
    main()
