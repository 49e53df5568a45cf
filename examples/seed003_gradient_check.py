"""Seed 003, section 3.2.10: checking gradients with finite differences and the relative ratio.

Perturb one weight, rerun the forward pass, and compare: Ga = (L(w + eps) - L(w)) / eps
(eq. 3.33) against the backpropagated Ge, by rho = |Ge - Ga| / |Ge + Ga| (eq. 3.34), which
"should be less than 1e-6" (1e-3 near kinks such as ReLU's). The central difference
(L(w + eps) - L(w - eps)) / (2 eps) is more accurate (error ~ eps^2 instead of ~ eps).
Then the check catches two deliberate mistakes: a hand-written Iris gradient that forgets
the sigmoid's derivative, and a user primitive whose VJP rule has the wrong sign.

Run:  python examples/seed003_gradient_check.py
"""

import numpy as np

import chainrule as cr
from chainrule.examples.iris import cost, gradients, iris_problem, logistic, softmax
from chainrule.examples.seed_examples import SEED004_W, seed004_loss


def rho(ge, ga):
    return np.abs(ge - ga) / np.abs(ge + ga)  # eq. 3.34


def buggy_gradients(X, Y, W, V):
    """The seed's ``gradients`` with a mistake: dV lacks the sigmoid derivative Z (1 - Z)."""
    Z = logistic(X @ V)
    dY = softmax(Z @ W) - Y
    dW = Z.T @ dY / len(X)
    dV = X.T @ (dY @ W.T) / len(X)  # should be X.T @ ((dY @ W.T) * Z * (1 - Z)) / N
    return dW, dV


@cr.primitive
def softplus(x):
    return np.logaddexp(0.0, x)


def total_softplus(x):
    return np.sum(softplus(x))


def main() -> None:
    # 1. Seed 004's loss: backpropagation against eq. 3.33 and the central difference.
    w, L = SEED004_W, seed004_loss
    ge = cr.grad(L)(w)
    forward = np.array([(L(w + 1e-7 * e) - L(w)) / 1e-7 for e in np.eye(3)])  # eq. 3.33
    central = np.array([(L(w + 1e-5 * e) - L(w - 1e-5 * e)) / 2e-5 for e in np.eye(3)])
    print("seed 004's loss at w = (-1, 1.5, 0.5)")
    print(f"{'weight':>6} {'Ge (backprop)':>14} {'Ga eq. 3.33':>12} {'rho':>8} "
          f"{'Ga central':>12} {'rho':>8}")
    for i in range(3):
        print(f"{'w' + str(i):>6} {ge[i]:>14.8f} {forward[i]:>12.8f} "
              f"{rho(ge[i], forward[i]):>8.1e} {central[i]:>12.8f} {rho(ge[i], central[i]):>8.1e}")
    if not (np.all(rho(ge, forward) < 1e-6) and np.all(rho(ge, central) < 1e-8)):
        raise SystemExit("the gradient of seed 004's loss failed the relative-ratio check")

    # 2. A wrong hand-written gradient is caught (random weights, away from the near-zero
    #    initialization where every derivative is tiny and rounding dominates the ratio).
    X, Y, W, V = iris_problem()
    rng = np.random.default_rng(1)
    W, V = rng.standard_normal(W.shape), rng.standard_normal(V.shape)
    ga_V = cr.numerical_grad(cost, X, Y, W, V, argnums=3)  # central differences, 96 costs
    worst_right = rho(gradients(X, Y, W, V)[1], ga_V).max()
    worst_wrong = rho(buggy_gradients(X, Y, W, V)[1], ga_V).max()
    worst_auto = rho(cr.grad(cost, argnums=3)(X, Y, W, V), ga_V).max()
    print("\nIris network, dV (48 weights), worst relative ratio:")
    print(f"  the seed's gradients          {worst_right:.1e}")
    print(f"  cr.grad(cost)                 {worst_auto:.1e}")
    print(f"  buggy (no Z (1 - Z) factor)   {worst_wrong:.1e}   <- caught")
    if not (worst_right < 1e-6 and worst_auto < 1e-6 and worst_wrong > 1e-2):
        raise SystemExit("the relative ratio did not separate the right and wrong gradients")

    # 3. A user primitive with a wrong VJP rule: cr.check_grad raises with its report.
    x = np.array([-1.0, 0.5, 2.0])
    softplus.defvjp(lambda g, ans, x: g / (1 + np.exp(x)))  # wrong: should be exp(-x)
    try:
        cr.check_grad(total_softplus, x, modes=("rev",), order=1)
    except cr.GradientCheckError as error:
        print("\nsoftplus with a wrong VJP rule, cr.check_grad says:" + str(error))
    else:
        raise SystemExit("cr.check_grad did not catch the wrong VJP rule")
    softplus.defvjp(lambda g, ans, x: g / (1 + np.exp(-x)))  # fixed: the logistic sigmoid
    report = cr.check_grad(total_softplus, x, modes=("rev",), order=1)
    print(f"after the fix: ok = {report.ok}, ratio {report.rows[0].ratio:.1e}")
    if not report.ok:
        raise SystemExit("the fixed softplus failed the gradient check")
    print("All checks passed.")


if __name__ == "__main__":
    main()
