"""Seed 003, section 3.2.6, Table 3.1: the decoupled view of backpropagation, row by row.

Each layer maps z_i to z_{i+1}; given the gradient g_{i+1} = dL/dz_{i+1}, its backward rule
gives g_i = dL/dz_i. ``cr.vjp(layer, z_i)`` returns exactly that map, so every row of the
table can be checked against its formula: linear (g_i = W g_{i+1}), sigmoid, tanh, ReLU,
hard tanh, max, and an arbitrary function (g_i = J^T g_{i+1}, eqs. 3.23 and 3.24).

Run:  python examples/seed003_table3_1_decoupled.py
"""

import numpy as np

import chainrule as cr
from chainrule import nn


def main() -> None:
    rng = np.random.default_rng(0)
    z = np.array([-1.7, -0.4, 0.3, 0.8, 2.1])  # no entry at a kink (0, +-1) or a tie
    W = rng.standard_normal((5, 3))
    g_linear = rng.standard_normal(3)  # dL/dz_{i+1} for the linear layer's 3 outputs
    g = rng.standard_normal(5)  # dL/dz_{i+1} for the one-to-one layers
    inside = (np.abs(z) <= 1).astype(float)
    sig, th = 1 / (1 + np.exp(-z)), np.tanh(z)

    def arbitrary(z):  # a many-to-many function f_k(z_i)
        return np.stack([z[0] * z[1], np.sin(z[2]) + z[3] ** 2, np.exp(z[4] - z[0])])

    rows = [  # (function, forward, g_{i+1}, the table's backward formula)
        ("linear", lambda z: W.T @ z, g_linear, W @ g_linear),
        ("sigmoid", nn.sigmoid, g, g * sig * (1 - sig)),
        ("tanh", nn.tanh, g, g * (1 - th * th)),
        ("ReLU", nn.relu, g, g * (z > 0)),
        ("hard tanh", nn.hard_tanh, g, g * inside),
        ("max", np.max, np.array(1.5), 1.5 * (z == z.max())),
        ("arbitrary f", arbitrary, g_linear,
         cr.jacobian(arbitrary)(z).T @ g_linear),
    ]
    print(f"z_i = {z.tolist()}\n")
    print(f"{'function':<12} {'g_i by cr.vjp':<46} formula of Table 3.1 agrees")
    for name, forward, g_next, formula in rows:
        _, backward = cr.vjp(forward, z)
        (g_i,) = backward(g_next)  # one cotangent per argument of forward
        print(f"{name:<12} {np.array2string(np.round(g_i, 4) + 0.0, separator=', '):<46} "
              f"{np.allclose(g_i, formula, rtol=1e-13, atol=1e-15)}")
        np.testing.assert_allclose(g_i, formula, rtol=1e-13, atol=1e-15, err_msg=name)

    # The Jacobian of the arbitrary function, written out (eq. 3.23), equals chainrule's.
    J = np.array([[z[1], z[0], 0, 0, 0],
                  [0, 0, np.cos(z[2]), 2 * z[3], 0],
                  [-np.exp(z[4] - z[0]), 0, 0, 0, np.exp(z[4] - z[0])]])
    np.testing.assert_allclose(cr.jacobian(arbitrary)(z), J, rtol=1e-14)
    print("\nthe arbitrary function's Jacobian (eq. 3.23) matches the one written by hand")
    print("All checks passed.")


if __name__ == "__main__":
    main()
