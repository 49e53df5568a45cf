"""Seeds 000/001, "Example: classification": the Iris network's gradient, by hand and by chainrule.

The seed types a cost function (``cost``: two features + a bias, 16 logistic hidden units,
softmax cross-entropy over 3 classes) and, separately, its gradients by hand
(``gradients``: dW = Z^T (Yh - Y) / N, dV = X^T ((Yh - Y) W^T * Z (1 - Z)) / N).
``cr.grad(cost, argnums=(2, 3))`` differentiates the cost as typed, with no hand-written
derivative, and gives the same numbers; gradient descent (the seed's ``GD``) then follows the
same path whichever gradient it uses.

Run:  python examples/seed001_iris_gradients.py
"""

import numpy as np

import chainrule as cr
from chainrule.examples.iris import cost, gradients, iris_problem, logistic, softmax


def main() -> None:
    X, Y, W, V = iris_problem(seed=0)  # X: 150 x 3 (2 features + bias), Y: one-hot 150 x 3
    print(f"Iris: X {X.shape}, Y {Y.shape}, W {W.shape} (M x C), V {V.shape} (D x M)")

    auto_grad = cr.grad(cost, argnums=(2, 3))  # d cost / dW and d cost / dV
    rng = np.random.default_rng(1)
    for label, (W_at, V_at) in [("at the seed's initialization (randn * .01)", (W, V)),
                                ("at random weights (randn)",
                                 (rng.standard_normal(W.shape), rng.standard_normal(V.shape)))]:
        dW, dV = auto_grad(X, Y, W_at, V_at)
        hand_dW, hand_dV = gradients(X, Y, W_at, V_at)
        diff = max(np.abs(dW - hand_dW).max(), np.abs(dV - hand_dV).max())
        print(f"  {label}:\n    largest |dW|, |dV| = {np.abs(hand_dW).max():.3e}, "
              f"{np.abs(hand_dV).max():.3e}; chainrule vs hand: max difference {diff:.1e}")
        np.testing.assert_allclose(dW, hand_dW, rtol=0, atol=1e-12)
        np.testing.assert_allclose(dV, hand_dV, rtol=0, atol=1e-12)

    # The seed's GD loop (lr = .1), once with the hand-written gradients, once with cr.grad.
    lr, steps = 0.1, 300
    W_hand, V_hand, W_auto, V_auto = W, V, W, V
    for _ in range(steps):
        dW, dV = gradients(X, Y, W_hand, V_hand)
        W_hand, V_hand = W_hand - lr * dW, V_hand - lr * dV
        dW, dV = auto_grad(X, Y, W_auto, V_auto)
        W_auto, V_auto = W_auto - lr * dW, V_auto - lr * dV
    start, end = float(cost(X, Y, W, V)), float(cost(X, Y, W_auto, V_auto))
    predicted = np.argmax(softmax(logistic(X @ V_auto) @ W_auto), axis=1)
    accuracy = float(np.mean(predicted == np.argmax(Y, axis=1)))
    gap = max(np.abs(W_auto - W_hand).max(), np.abs(V_auto - V_hand).max())
    print(f"\n{steps} steps of the seed's GD (lr = {lr}): cost {start:.4f} -> {end:.4f}, "
          f"training accuracy {accuracy:.2f}")
    print(f"  weights reached with cr.grad vs with the hand-written gradients: "
          f"max difference {gap:.1e}")
    np.testing.assert_allclose(W_auto, W_hand, rtol=0, atol=1e-10)
    np.testing.assert_allclose(V_auto, V_hand, rtol=0, atol=1e-10)
    if not end < start:
        raise SystemExit(f"gradient descent did not lower the cost: {start} -> {end}")
    print("All checks passed.")


if __name__ == "__main__":
    main()
