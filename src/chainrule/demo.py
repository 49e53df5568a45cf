"""The seed examples, differentiated by both modes and checked by finite differences.

This is what ``make run`` (``python -m chainrule``) shows until the training command exists.
"""

from __future__ import annotations

import numpy as np

import chainrule as cr
from chainrule.examples import iris
from chainrule.examples.seed_examples import (
    SEED004_W,
    product_layers,
    seed000_outputs,
    seed004_loss,
)


def _vec(v) -> str:
    return "(" + ", ".join(f"{float(x):.4f}" for x in np.ravel(v)) + ")"


def seed004() -> list[str]:
    w = SEED004_W
    value, g_rev = cr.value_and_grad(seed004_loss)(w)
    g_fwd = cr.jacobian(seed004_loss, mode="fwd")(w)
    report = cr.check_grad(seed004_loss, w)
    worst = max(r.ratio for r in report.rows)
    return [
        "Seed 004: L(w) = sum over D of (c - sigmoid(w.x))^2 at w = (-1, 1.5, 0.5)",
        f"  L(w)                        = {float(value):.4f}      (seed: 0.71)",
        f"  gradient, reverse mode      = {_vec(g_rev)}   (seed: (0.13, 0.06, 0.54))",
        f"  gradient, forward mode      = {_vec(g_fwd)}",
        f"  finite-difference check     : worst relative ratio {worst:.1e} (limit 1e-6)",
    ]


def seed000() -> list[str]:
    w0, w1, x = 0.5, 1.2, 2.0
    (y1, y2), (t1, t2) = cr.jvp(seed000_outputs, (w0, w1, x), (0.0, 1.0, 0.0))
    _, back = cr.vjp(seed000_outputs, w0, w1, x)
    dw0, dw1, dx = back((0.0, 1.0))
    a5 = w1 * x + w0
    return [
        f"Seed 000: y1 = sin(w1 x + w0), y2 = cos(w1 x + w0) at w0={w0}, w1={w1}, x={x}",
        f"  y1, y2                      = {float(y1):.4f}, {float(y2):.4f}",
        f"  one jvp, tangent on w1      : dy1/dw1 = {float(t1):.4f} (x cos = "
        f"{x * np.cos(a5):.4f}), dy2/dw1 = {float(t2):.4f} (-x sin = {-x * np.sin(a5):.4f})",
        f"  one vjp, cotangent (0, 1)   : dy2/dw0 = {float(dw0):.4f}, dy2/dw1 = "
        f"{float(dw1):.4f}, dy2/dx = {float(dx):.4f}",
    ]


def figure_3_4() -> list[str]:
    w = 1.01
    return [
        "Seed 003, Figure 3.4: five layers of two product units, output w^32 (32 paths)",
        f"  at w = {w}: output {float(product_layers(w)):.6f} (w^32 = {w ** 32:.6f}), "
        f"derivative {float(cr.grad(product_layers)(w)):.6f} (32 w^31 = {32 * w ** 31:.6f})",
    ]


def iris_mlp() -> list[str]:
    X, Y, W, V = iris.iris_problem()
    rng = np.random.default_rng(1)
    W, V = rng.standard_normal(W.shape), rng.standard_normal(V.shape)
    dW, dV = cr.grad(iris.cost, argnums=(2, 3))(X, Y, W, V)
    hW, hV = iris.gradients(X, Y, W, V)
    diff = max(np.abs(dW - hW).max(), np.abs(dV - hV).max())
    report = cr.check_grad(iris.cost, X, Y, W, V, modes=("rev",), order=1)
    worst = max(r.ratio for r in report.rows)
    return [
        "Seeds 000/001: the Iris MLP cost(X, Y, W, V), typed as in the seed",
        f"  cr.grad(cost, argnums=(2, 3)) vs the seed's hand-written gradients: "
        f"max difference {diff:.1e}",
        f"  finite-difference check of all four arguments: worst relative ratio {worst:.1e}",
    ]


def hessian_example() -> list[str]:
    x = np.array([0.5, -0.3])

    def f(x):
        return np.sin(x[0]) * np.exp(x[1])

    H = cr.hessian(f)(x)
    (Hv,) = cr.hvp(f, (x,), (np.array([1.0, 0.0]),))
    return [
        "Second order: f(x) = sin(x0) exp(x1) at (0.5, -0.3)",
        f"  Hessian (forward over reverse) = {np.round(H, 4).tolist()}",
        f"  Hessian-vector product H e0    = {_vec(Hv)}",
    ]


def main() -> None:
    sections = [seed004(), seed000(), figure_3_4(), iris_mlp(), hessian_example()]
    print("chainrule: the seeds' examples, differentiated in reverse and forward mode\n")
    print("\n\n".join("\n".join(lines) for lines in sections))
