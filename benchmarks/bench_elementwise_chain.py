"""Claim 2: the per-operation overhead of recording and sweeping is a few microseconds.

1,000 cheap elementwise operations on a 16-vector, then a sum; value and gradient. The chain
repeats ``x = tanh(sin(x) * 1.01 + 0.1)`` (4 operations: sin, multiply, add, tanh) 250 times,
so NumPy's own per-call cost is tiny and the time is the library's bookkeeping. Reported as
time per chain operation (total / 1000).

Target: <= 5 us per operation (reference on the 2-core machine: hand NumPy forward + hand
backward 2.0 us/op, autograd 19 us/op, PyTorch eager 12.8 us/op).

Run: .venv/bin/python benchmarks/bench_elementwise_chain.py [--quick] [--profile]
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

N = 16
CYCLES = 250
OPS = 4 * CYCLES  # sin, multiply, add, tanh per cycle
X0 = np.random.default_rng(0).standard_normal(N)


def chain(x):
    """The function as a user writes it: plain NumPy."""
    for _ in range(CYCLES):
        x = np.tanh(np.sin(x) * 1.01 + 0.1)
    return np.sum(x)


def numpy_value_and_grad(x):
    """Hand-written forward pass keeping what the backward pass needs, then the backward pass."""
    saved = []
    for _ in range(CYCLES):
        saved.append(x)  # input of sin
        x = np.tanh(np.sin(x) * 1.01 + 0.1)
        saved.append(x)  # output of tanh
    value = np.sum(x)
    g = np.ones_like(x)
    for k in range(CYCLES - 1, -1, -1):
        t = saved[2 * k + 1]
        g = g * (1 - t * t)  # tanh
        g = g * 1.01  # multiply (the add passes g through)
        g = g * np.cos(saved[2 * k])  # sin
    return value, g


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], profile=True)
    header(
        "bench_elementwise_chain",
        f"{OPS} elementwise ops (sin, *, +, tanh) on a {N}-vector, value and gradient",
    )
    budget = 0.3 if args.quick else 3.0
    want = numpy_value_and_grad(X0)
    table = Table(f"value and gradient through {OPS} elementwise ops; time PER OP")
    table.add("numpy (hand)", lambda: numpy_value_and_grad(X0))

    vg = cr.value_and_grad(chain)
    ok = add_chainrule(table, "chainrule", lambda: vg(X0), lambda got: assert_close(
        "chainrule", got, want, rtol=1e-10, atol=1e-12))

    ag = optional("autograd")
    if ag is not None:
        anp = ag.numpy

        def ag_chain(x):
            for _ in range(CYCLES):
                x = anp.tanh(anp.sin(x) * 1.01 + 0.1)
            return anp.sum(x)

        ag_vg = ag.value_and_grad(ag_chain)
        assert_close("autograd", ag_vg(X0), want, rtol=1e-10, atol=1e-12)
        table.add("autograd", lambda: ag_vg(X0))

    torch = optional("torch")
    if torch is not None:

        def torch_vg(x):
            xt = torch.from_numpy(x).requires_grad_()
            h = xt
            for _ in range(CYCLES):
                h = torch.tanh(torch.sin(h) * 1.01 + 0.1)
            value = torch.sum(h)
            value.backward()
            return value.detach().numpy(), xt.grad.numpy()

        assert_close("torch", torch_vg(X0), want, rtol=1e-10, atol=1e-12)
        table.add("torch eager (CPU)", lambda: torch_vg(X0), own_threads=True)

    table.measure(budget, scale=1 / OPS)
    table.print()
    t_cr = table.value("chainrule")
    verdict("elementwise_chain", None if t_cr is None else t_cr * 1e6, 5.0,
            "chainrule time per op in us <= 5", table)
    if args.profile and t_cr is not None:
        profile(lambda: vg(X0), calls=30)
    exit_code(ok)


if __name__ == "__main__":
    main()
