"""Seed 003, sections 3.5.6 and 3.5.6.3: Newton's method in one step, and straight to a saddle.

The Newton update W* = W0 - H^{-1} grad L(W0) (eq. 3.48) moves to the bottom of the quadratic
approximation (eq. 3.47); on a quadratic loss that is the minimum, in one step and with no
learning rate. On g(x, y) = x^2 - y^2 the same step jumps straight to the saddle point (0, 0),
a stationary point that is not a minimum, while gradient descent moves away from it along y.
The Hessian (``cr.hessian``) tells the two apart: its eigenvalues have mixed signs at a saddle.

Run:  python examples/seed003_newton_saddle.py
"""

import numpy as np

import chainrule as cr
from chainrule import optim


def newton_step(f, w):
    """One step of eq. 3.48, with chainrule's exact gradient and Hessian."""
    return w - np.linalg.solve(cr.hessian(f)(w), cr.grad(f)(w))


A = np.array([[3.0, 1.0], [1.0, 2.0]])
b = np.array([1.0, -1.0])


def quadratic(w):  # a convex bowl with its minimum at A^{-1} b
    return 0.5 * w @ A @ w - b @ w + 2.0


def saddle(p):  # g(x, y) = x^2 - y^2, Figure 3.17(b)
    return p[0] ** 2 - p[1] ** 2


def main() -> None:
    w0 = np.array([5.0, -3.0])
    w1 = newton_step(quadratic, w0)
    minimum = np.linalg.solve(A, b)
    print(f"quadratic: one Newton step from {w0.tolist()} lands on {np.round(w1, 12).tolist()}")
    print(f"  = A^-1 b = {np.round(minimum, 12).tolist()}, where the largest gradient entry is "
          f"{np.abs(cr.grad(quadratic)(w1)).max():.0e}")
    np.testing.assert_allclose(w1, minimum, rtol=1e-12)
    result = optim.minimize(quadratic, w0, method="newton")  # the library's damped Newton
    print(f"  optim.minimize(method='newton'): {result.nit} iteration, x = "
          f"{np.round(result.x, 12).tolist()}")
    if result.nit != 1:
        raise SystemExit(f"Newton took {result.nit} iterations on a quadratic, expected 1")
    np.testing.assert_allclose(result.x, minimum, rtol=1e-10)

    p0 = np.array([1.0, 0.5])
    p1 = newton_step(saddle, p0)
    eigenvalues = np.linalg.eigvalsh(cr.hessian(saddle)(p1))
    print(f"\nsaddle x^2 - y^2: one Newton step from {p0.tolist()} lands on "
          f"{(p1 + 0.0).tolist()}, gradient {(cr.grad(saddle)(p1) + 0.0).tolist()}")
    print(f"  Hessian eigenvalues there: {eigenvalues.tolist()} -> mixed signs: a saddle, "
          "not a minimum")
    np.testing.assert_allclose(p1, [0.0, 0.0], atol=1e-15)
    np.testing.assert_allclose(eigenvalues, [-2.0, 2.0])
    result = optim.minimize(saddle, p0, method="newton")
    print(f"  optim.minimize(method='newton') also stops there: x = {(result.x + 0.0).tolist()},"
          f"\n  success = {result.success} (a zero gradient is all it checks)")
    np.testing.assert_allclose(result.x, [0.0, 0.0], atol=1e-12)

    # Gradient descent from the same point: x shrinks, y grows; it escapes the saddle.
    p = p0.copy()
    for _ in range(20):
        p = p - 0.1 * cr.grad(saddle)(p)
    print(f"  20 gradient-descent steps (lr 0.1) from {p0.tolist()}: {np.round(p, 4).tolist()},"
          f"\n  g = {float(saddle(p)):.2f}: away from the saddle, downhill along y")
    np.testing.assert_allclose(p, [0.8 ** 20 * 1.0, 1.2 ** 20 * 0.5], rtol=1e-12)
    print("All checks passed.")


if __name__ == "__main__":
    main()
