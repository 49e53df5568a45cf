"""The other worked examples of the seeds, as functions a test or a demo can call."""

import numpy as np

# Seed 004: D = {((1, 1.5), 0), ((1.5, -1), 1)}, inputs extended by a leading 1 for the bias.
SEED004_X = np.array([[1.0, 1.0, 1.5], [1.0, 1.5, -1.0]])
SEED004_C = np.array([0.0, 1.0])
SEED004_W = np.array([-1.0, 1.5, 0.5])


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def seed004_loss(w):
    """L(w) = sum over D of (c - sigmoid(w . x))^2; L = 0.7071 at w = (-1, 1.5, 0.5)."""
    return np.sum((SEED004_C - sigmoid(SEED004_X @ w)) ** 2)


def seed000_outputs(w0, w1, x):
    """Seed 000's forward/reverse-mode example: y1 = sin(w1 x + w0), y2 = cos(w1 x + w0)."""
    a5 = w1 * x + w0
    return np.sin(a5), np.cos(a5)


def product_layers(w, layers=5):
    """Seed 003, Figure 3.4: layers of two units, each the product of the previous two.

    h(1, j) = w and h(i, j) = h(i-1, 1) * h(i-1, 2) for i = 2..5; the output
    o = h(5, 1) * h(5, 2) is w^32, and its derivative, summed over the 2^5 = 32 paths, 32 w^31.
    """
    h1, h2 = w, w
    for _ in range(layers):
        h1, h2 = h1 * h2, h1 * h2
    return h1
