"""Seed 003, section 3.2.5.1 (eqs. 3.20 to 3.22): softmax with cross-entropy, dL/dv = o - y.

o = softmax(v) (eq. 3.20), L = -sum_i y_i log o_i (eq. 3.21). The Jacobian of the softmax
has o_i (1 - o_i) on the diagonal and -o_i o_j off it; multiplied into dL/do = -y / o it
collapses to o - y (eq. 3.22). Table 3.1's last row says the same in vector form:
g_i = J^T g_{i+1}. Seeds 000/001 use the same result for the Iris network's dY = Yh - Y.

Run:  python examples/seed003_softmax_cross_entropy.py
"""

import numpy as np

import chainrule as cr
from chainrule import nn


def loss(v, y):
    return nn.softmax_cross_entropy(v, y, reduction="sum")  # -sum_i y_i log softmax(v)_i


def main() -> None:
    v = np.array([2.0, -1.0, 0.5, 0.0])  # k = 4 real-valued predictions
    y = np.array([0.0, 0.0, 1.0, 0.0])  # one-hot: class 2 is observed
    o = np.exp(v) / np.sum(np.exp(v))  # eq. 3.20 by hand

    g = cr.grad(loss)(v, y)
    print(f"v = {v.tolist()}, y = {y.tolist()}")
    print(f"o = softmax(v) = {np.round(o, 4).tolist()}")
    print(f"dL/dv (chainrule)  = {np.round(g, 6).tolist()}")
    print(f"o - y (eq. 3.22)   = {np.round(o - y, 6).tolist()}")
    np.testing.assert_allclose(nn.softmax(v), o, rtol=1e-15)
    np.testing.assert_allclose(g, o - y, rtol=1e-13, atol=1e-15)

    J = cr.jacobian(nn.softmax)(v)  # J[j, i] = d o_j / d v_i
    by_hand = np.diag(o) - np.outer(o, o)  # o_i (1 - o_i) on the diagonal, -o_i o_j off it
    print("\nJacobian of the softmax (chainrule):")
    print(np.round(J, 4))
    np.testing.assert_allclose(J, by_hand, rtol=1e-13, atol=1e-16)
    dL_do = -y / o  # derivative of eq. 3.21 with respect to o
    print(f"J^T dL/do (Table 3.1, last row) = {np.round(J.T @ dL_do, 6).tolist()}")
    np.testing.assert_allclose(J.T @ dL_do, o - y, rtol=1e-12, atol=1e-15)

    # The same for a batch of labels given as class indices, averaged (nn's default).
    V = np.array([[2.0, -1.0, 0.5, 0.0], [0.0, 3.0, -2.0, 1.0]])
    labels = np.array([2, 1])
    G = cr.grad(nn.softmax_cross_entropy)(V, labels)
    P = nn.softmax(V)
    np.testing.assert_allclose(G, (P - np.eye(4)[labels]) / 2, rtol=1e-13, atol=1e-15)
    print("batch of 2, mean loss: gradient = (P - Y) / 2  checked")
    print("All checks passed.")


if __name__ == "__main__":
    main()
