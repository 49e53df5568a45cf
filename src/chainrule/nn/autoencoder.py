"""A tied-weight autoencoder: one weight matrix used twice (seed 003 section 3.2.9).

The encoder computes h = f(x @ W + b_hidden) and the decoder x_hat = h @ W.T + b_out with the
*same* W, as in the seed's autoencoder simulating PCA. Backpropagation needs no special rule
for this: the gradient of a shared weight is the sum of the gradients of its uses,
dL/dW = dL/dW_encoder + (dL/dW_decoder).T, which chainrule gets by adding the cotangents that
reach W along both paths.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.nn import init as initializers
from chainrule.nn.activations import identity
from chainrule.nn.module import Module
from chainrule.nn.shapes import ShapeError, check_features


class TiedAutoencoder(Module):
    """Autoencoder with W of shape (n_inputs, n_hidden) shared by encoder and decoder.

    ``activation`` (default identity: the linear, PCA-like autoencoder) may be a function or a
    module; a module with parameters (e.g. ``LeakyReLU(learn_alpha=True)``) is trained too.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule import nn
        >>> ae = nn.TiedAutoencoder(4, 2, rng=0)
        >>> X = np.ones((3, 4))
        >>> ae.encode(X).shape, ae(X).shape
        ((3, 2), (3, 4))
        >>> g = cr.grad(lambda m: nn.squared_error(m(X), X))(ae)
        >>> [name for name, _ in g.named_parameters()]
        ['W', 'b_hidden', 'b_out']
    """

    def __init__(self, n_inputs: int, n_hidden: int,
                 activation: Callable[[Any], Any] | Module = identity,
                 init: str | Callable[..., np.ndarray] = "xavier_uniform",
                 rng: np.random.Generator | int | None = None, dtype: Any = np.float64) -> None:
        for name, v in (("n_inputs", n_inputs), ("n_hidden", n_hidden)):
            if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 1:
                raise ValueError(f"TiedAutoencoder: {name} must be a positive integer, got {v!r}")
        self.n_inputs, self.n_hidden = int(n_inputs), int(n_hidden)
        self.activation = activation
        self.W = initializers.initialize(init, (self.n_inputs, self.n_hidden), rng, dtype,
                                         layer=repr(self), units=self.n_hidden)
        self.b_hidden = np.zeros(self.n_hidden, dtype=self.W.dtype)
        self.b_out = np.zeros(self.n_inputs, dtype=self.W.dtype)

    def encode(self, x: Any) -> Any:
        """Hidden code f(x @ W + b_hidden)."""
        check_features(self, x, self.n_inputs)
        return self.activation(x @ self.W + self.b_hidden)

    def decode(self, h: Any) -> Any:
        """Reconstruction h @ W.T + b_out (the transpose of the encoder's weights)."""
        if np.shape(h)[-1:] != (self.n_hidden,):
            raise ShapeError(f"{self!r}.decode expects codes of shape (..., {self.n_hidden}), "
                             f"but was given shape {tuple(np.shape(h))}")
        return h @ self.W.T + self.b_out

    def forward(self, x: Any) -> Any:
        return self.decode(self.encode(x))

    def __repr__(self) -> str:
        return f"TiedAutoencoder({self.n_inputs} -> {self.n_hidden} -> {self.n_inputs})"
