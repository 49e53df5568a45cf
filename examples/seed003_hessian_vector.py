"""Seed 003, sections 3.5.6 and 3.5.6.1: a Hessian-vector product without the Hessian.

The Hessian H (H_ij = d^2 L / dw_i dw_j, "the Jacobian of the gradient") of a network with d
weights has d^2 entries, too many to store; Hessian-free optimization only ever needs
products H v. ``cr.hvp`` computes one by forward mode over reverse mode (the directional
derivative of the gradient along v), for about the cost of two gradients. Here it is checked
against the full ``cr.hessian``, against writing the composition yourself, and against
finite differences of the gradient; then conjugate gradients, fed only with H v, find the
Newton step -H^{-1} g (eq. 3.48) in at most d products.

Run:  python examples/seed003_hessian_vector.py
"""

import numpy as np

import chainrule as cr
from chainrule.optim.second_order import conjugate_gradient

rng = np.random.default_rng(0)
X = rng.standard_normal((40, 6))  # 40 points, 6 features
c = (X @ rng.standard_normal(6) + 0.5 * rng.standard_normal(40) > 0).astype(float)


def loss(w):
    """Logistic regression's cross-entropy with a small L2 penalty: convex, H positive definite."""
    u = X @ w
    return np.mean(np.logaddexp(0.0, u) - c * u) + 0.05 * np.sum(w * w)


def main() -> None:
    w = rng.standard_normal(6) * 0.5
    v = rng.standard_normal(6)

    (Hv,) = cr.hvp(loss, (w,), (v,))  # forward over reverse; H is never formed
    H = cr.hessian(loss)(w)  # the full 6 x 6 matrix, for comparison only
    _, by_composition = cr.jvp(cr.grad(loss), (w,), (v,))  # the same thing, spelled out
    g = cr.grad(loss)
    by_differences = (g(w + 1e-5 * v) - g(w - 1e-5 * v)) / 2e-5
    print(f"d = {w.size} weights; H is {H.shape[0]} x {H.shape[1]}, symmetric: "
          f"{np.allclose(H, H.T, rtol=0, atol=1e-15)}")
    print(f"H v by cr.hvp            {np.round(Hv, 6).tolist()}")
    print(f"H v by the full Hessian  {np.round(H @ v, 6).tolist()}")
    print(f"jvp of grad, by hand     max difference {np.abs(by_composition - Hv).max():.1e}")
    print(f"central differences of the gradient: max difference "
          f"{np.abs(by_differences - Hv).max():.1e}")
    np.testing.assert_allclose(Hv, H @ v, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(by_composition, Hv, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(by_differences, Hv, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(H, H.T, rtol=0, atol=1e-15)

    # Hessian-free: conjugate gradients solve H s = -g with products H p only.
    products = []

    def matvec(p):
        products.append(1)
        return cr.hvp(loss, (w,), (p,))[0]

    solution = conjugate_gradient(matvec, -g(w), rtol=1e-12)
    newton = np.linalg.solve(H, -g(w))
    print(f"\nNewton step by CG on H v: {len(products)} products ({solution.reason}); "
          f"max difference from -H^-1 g: {np.abs(solution.x - newton).max():.1e}")
    np.testing.assert_allclose(solution.x, newton, rtol=1e-8, atol=1e-10)
    if len(products) > w.size:
        raise SystemExit(f"CG used {len(products)} products, more than d = {w.size}")
    print("All checks passed.")


if __name__ == "__main__":
    main()
