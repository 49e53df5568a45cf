"""Layers: ``Linear``, ``Maxout``, ``Dropout``, ``Sequential`` and ``Residual``.

Convention (the seeds' ``Q = X @ V``): inputs are rows, features are the last axis, and a
weight matrix has shape (in, out), so ``Linear`` computes ``y = x @ W + b``. (PyTorch stores
the transpose, (out, in), and computes ``x @ W.T + b``.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from chainrule import numpy as cnp
from chainrule.backend import foreign, to_library
from chainrule.jit.effects import draw
from chainrule.nn import init as initializers
from chainrule.nn.activations import Lambda
from chainrule.nn.module import Module
from chainrule.nn.shapes import ShapeError, check_features
from chainrule.tracer import primal


def _positive(layer: str, **sizes: int) -> None:
    for name, v in sizes.items():
        if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 1:
            raise ValueError(f"{layer}: {name} must be a positive integer, got {v!r}")


class Linear(Module):
    """Affine layer ``y = x @ W + b`` with W of shape (in_features, out_features).

    ``init`` (a name from ``nn.init`` or ``f(shape, rng, dtype=...)``) draws W from ``rng``
    (a ``numpy.random.Generator`` or int seed); the default ``'fan_in_uniform'``,
    U[-1/sqrt(in), 1/sqrt(in)], is seed 003 section 3.3.3's rule and PyTorch's weight default.
    The bias starts at zero (the seed's rule; PyTorch draws it like W). All-equal initial
    weights with more than one unit give a ``SymmetryWarning``.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> layer = nn.Linear(3, 2, rng=0)
        >>> layer.W.shape, layer.b.shape, layer(np.ones((5, 3))).shape
        ((3, 2), (2,), (5, 2))
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 init: str | Callable[..., np.ndarray] = "fan_in_uniform",
                 rng: np.random.Generator | int | None = None, dtype: Any = np.float64) -> None:
        _positive("Linear", in_features=in_features, out_features=out_features)
        self.in_features, self.out_features = int(in_features), int(out_features)
        self.W = initializers.initialize(
            init, (self.in_features, self.out_features), rng, dtype,
            layer=f"Linear({self.in_features} -> {self.out_features})", units=self.out_features)
        self.b = np.zeros(self.out_features, dtype=self.W.dtype) if bias else None

    def forward(self, x: Any) -> Any:
        check_features(self, x, self.in_features)
        # np.matmul, not x @ W: an input of another library (array-api-strict) refuses a traced
        # right operand in its own @ instead of deferring to it; NumPy's dispatch asks both
        y = cnp.matmul(x, self.W)
        return y if self.b is None else y + self.b

    def __repr__(self) -> str:
        extra = "" if self.b is not None else ", bias=False"
        return f"Linear({self.in_features} -> {self.out_features}{extra})"


class Maxout(Module):
    """Maxout units (seed 003 section 3.4.3.2): ``k`` affine pieces per output unit and the
    maximum over the pieces, ``y_j = max_i (x @ W[i] + b[i])_j``; W has shape (k, in, out).

    With k = 2 and one piece fixed at 0 this is a ReLU; it is piecewise linear and never
    saturates, at k times the parameters of a ``Linear``.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> m = nn.Maxout(3, 2, k=4, rng=0)
        >>> m.W.shape, m(np.ones((5, 3))).shape
        ((4, 3, 2), (5, 2))
    """

    def __init__(self, in_features: int, out_features: int, k: int = 2, bias: bool = True,
                 init: str | Callable[..., np.ndarray] = "fan_in_uniform",
                 rng: np.random.Generator | int | None = None, dtype: Any = np.float64) -> None:
        _positive("Maxout", in_features=in_features, out_features=out_features, k=k)
        self.in_features, self.out_features, self.k = int(in_features), int(out_features), int(k)
        self.W = initializers.initialize(
            init, (self.k, self.in_features, self.out_features), rng, dtype, layer=repr(self),
            units=self.out_features * self.k)
        self.b = np.zeros((self.k, self.out_features), dtype=self.W.dtype) if bias else None

    def forward(self, x: Any) -> Any:
        check_features(self, x, self.in_features)
        z = cnp.einsum("...i,kio->...ko", x, self.W)
        if self.b is not None:
            z = z + self.b
        return cnp.max(z, axis=-2)

    def __repr__(self) -> str:
        return f"Maxout({self.in_features} -> {self.out_features}, k={self.k})"


class Dropout(Module):
    """Inverted dropout: in training mode each entry is zeroed with probability ``p`` and the
    survivors are scaled by 1/(1 - p), so inference (``eval()``) is the identity.

    Masks come from ``rng`` (a ``numpy.random.Generator`` or int seed, kept by the layer and
    shared by its copies), so a seed fixes the sequence of masks. For an input on another
    device (a GPU) the mask is drawn on the host and copied there, so a run draws the same
    masks on every device.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> d = nn.Dropout(0.5, rng=0)
        >>> d(np.ones(6)).tolist()
        [2.0, 0.0, 0.0, 0.0, 2.0, 2.0]
        >>> d.eval()(np.ones(3)).tolist()
        [1.0, 1.0, 1.0]
    """

    def __init__(self, p: float = 0.5, rng: np.random.Generator | int | None = None) -> None:
        if not 0.0 <= float(p) <= 1.0:
            raise ValueError(f"Dropout: p is the probability of dropping a unit and must be in "
                             f"[0, 1], got {p!r}")
        self.p = float(p)
        self.rng = initializers.as_rng(rng)

    def forward(self, x: Any) -> Any:
        if not self.training or self.p == 0.0:
            return x
        if foreign(x):  # the host's mask, copied to x's device: the same masks everywhere
            shape = tuple(x.shape)
            keep = self.rng.random(shape) >= self.p if self.p < 1.0 else np.zeros(shape, bool)
            return x * to_library(keep / (1.0 - self.p) if self.p < 1.0 else keep, x)
        dtype = np.result_type(x)
        if self.p == 1.0:
            return x * np.zeros(np.shape(x), dtype=dtype)
        if getattr(primal(x), "_jit_value", False):  # inside cr.jit: drawn by the program
            return x * draw(_inverted_mask, self.rng, x, tuple(x.shape), self.p, dtype)
        return x * _inverted_mask(self.rng, np.shape(x), self.p, dtype)

    def __repr__(self) -> str:
        return f"Dropout(p={self.p:g})"


def _inverted_mask(rng: np.random.Generator, shape: tuple, p: float, dtype: Any) -> Any:
    """Dropout's mask: 0 with probability ``p``, else ``1 / (1 - p)``."""
    return (rng.random(shape) >= p).astype(dtype) / (1.0 - p)


class Sequential(Module):
    """Layers applied in order; plain functions are wrapped in ``Lambda``.

    ``forward(x, return_hidden=True)`` also returns the list of every layer's output, so that
    losses can be attached to hidden nodes (seed 003 section 3.2.7): gradients of all the
    losses add up by backpropagation.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> net = nn.Sequential(nn.Linear(3, 4, rng=0), nn.ReLU(), nn.Linear(4, 1, rng=1))
        >>> y, hidden = net(np.ones((2, 3)), return_hidden=True)
        >>> y.shape, [h.shape for h in hidden]
        ((2, 1), [(2, 4), (2, 4), (2, 1)])
    """

    def __init__(self, *layers: Module | Callable[[Any], Any]) -> None:
        if len(layers) == 1 and isinstance(layers[0], list | tuple):
            layers = tuple(layers[0])
        wrapped = []
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                if not callable(layer):
                    raise TypeError(f"Sequential: layer {i} is a {type(layer).__name__}, "
                                    "not a Module or a function")
                layer = Lambda(layer)
            if any(layer is w for w in wrapped):
                raise ValueError(
                    f"Sequential: layer {i} ({layer!r}) is the same object as an earlier "
                    "layer; a module used twice would be flattened twice and untied by the "
                    "first update. Share an array inside one module instead (seed 3.2.9)."
                )
            wrapped.append(layer)
        self.layers = wrapped

    def forward(self, x: Any, return_hidden: bool = False) -> Any:
        hidden = []
        for i, layer in enumerate(self.layers):
            try:
                x = layer(x)
            except ShapeError as e:
                raise e.within(f"layers.{i}") from None
            hidden.append(x)
        return (x, hidden) if return_hidden else x

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self) -> Iterator[Module]:
        return iter(self.layers)

    def __getitem__(self, i: int) -> Module:
        return self.layers[i]

    def __repr__(self) -> str:
        if not self.layers:
            return "Sequential()"
        inner = ",\n".join(f"  ({i}) {layer!r}".replace("\n", "\n  ")
                           for i, layer in enumerate(self.layers))
        return f"Sequential(\n{inner}\n)"


class Residual(Module):
    """Skip connection ``x + block(x)`` (seeds 000/001: the block fits the residual error of
    the layers before it); ``block`` must keep the shape of its input.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> r = nn.Residual(lambda x: 2 * x)
        >>> r(np.array([[1.0, 2.0]])).tolist()
        [[3.0, 6.0]]
    """

    def __init__(self, block: Module | Callable[[Any], Any]) -> None:
        self.block = block if isinstance(block, Module) else Lambda(block)

    def forward(self, x: Any) -> Any:
        try:
            y = self.block(x)
        except ShapeError as e:
            raise e.within("block") from None
        if np.shape(y) != np.shape(x):
            raise ShapeError(
                f"Residual: the block {self.block!r} maps an input of shape {np.shape(x)} to "
                f"shape {np.shape(y)}; a skip connection x + block(x) needs equal shapes"
            )
        return x + y

    def __repr__(self) -> str:
        return f"Residual({self.block!r})"
