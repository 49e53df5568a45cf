"""Activation functions (plain functions on arrays) and their ``Module`` wrappers.

All are written with NumPy functions, so chainrule differentiates them; each is stable for
large |x| (no overflow, no warnings at x = +-1000). Conventions at kinks: ``relu`` and
``leaky_relu`` use ``np.where(x > 0, ...)``, so relu'(0) = 0 and leaky_relu'(0) = alpha (seed
003 eq. 3.39 puts v = 0 on the alpha side). This differs from ``np.maximum(x, 0)``, whose
derivative at 0 chainrule splits 0.5/0.5 between the tied arguments. ``hard_tanh`` is
``np.clip(x, -1, 1)``, whose derivative is 1 on the closed interval [-1, 1].
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule import numpy as cnp
from chainrule.backend import dtype_kind, namespace
from chainrule.nn.module import Module
from chainrule.primitive import Primitive
from chainrule.tracer import plain_array, primal
from chainrule.transforms import stop_gradient


def identity(x: Any) -> Any:
    """x itself.

    Example:
        >>> from chainrule import nn
        >>> nn.identity(3.0)
        3.0
    """
    return x


def sigmoid(x: Any) -> Any:
    """1 / (1 + exp(-x)), computed from exp(-|x|) <= 1 so it never overflows.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> nn.sigmoid(np.array([-1000.0, 0.0, 1000.0])).tolist()
        [0.0, 0.5, 1.0]
    """
    pos = x >= 0
    e = cnp.exp(cnp.where(pos, -x, x))  # exp(-|x|), with d/dx = -/+ e on each side
    return cnp.where(pos, 1 / (1 + e), e / (1 + e))


def tanh(x: Any) -> Any:
    """Hyperbolic tangent.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> nn.tanh(np.array([0.0, 1000.0])).tolist()
        [0.0, 1.0]
    """
    return cnp.tanh(x)


def relu(x: Any) -> Any:
    """max(x, 0), with derivative 0 at x = 0 (see the module docstring).

    Real floating arrays go through one primitive: ``np.maximum(x, 0.0)`` forward, and the
    cotangent times the 0/1 mask of ``x > 0`` backward (branch-free, 2-3x faster than
    ``np.where`` on a random mask). As in JAX, an infinite or NaN cotangent at a unit with
    x <= 0 gives NaN there (0 * inf), which the optimizers' finite-gradient check reports. Other
    dtypes keep ``np.where(x <= 0, 0.0, x)`` (integers and booleans become float64).

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule import nn
        >>> cr.elementwise_grad(nn.relu)(np.array([-1.0, 0.0, 2.0])).tolist()
        [0.0, 0.0, 1.0]
    """
    if dtype_kind(x) == "f":
        return _relu(x)
    return cnp.where(x <= 0, 0.0, x)  # NaN compares False: it propagates, as in np.maximum


def _relu_impl(x: Any) -> Any:
    return np.maximum(x, 0.0)  # NaN propagates; -0.0 becomes 0.0, as np.where did


def _relu_xp_impl(x: Any) -> Any:
    xp = namespace(x)
    return xp.where(x <= 0, xp.zeros_like(x), x)


def _passed(ans: Any) -> Any:
    """1 where relu passed its input on (ans > 0), 0 elsewhere, in ans's dtype: a constant
    factor of the derivative (staged inside cr.jit, computed by its own library elsewhere)."""
    a = primal(ans)
    if a.__class__ is np.ndarray or isinstance(a, np.generic) or getattr(a, "_jit_value", False):
        return (a > 0).astype(a.dtype)
    xp = namespace(a)
    return xp.astype(a > 0, a.dtype)


_relu = Primitive("relu", _relu_impl, save_args=False, save_ans=True, xp_impl=_relu_xp_impl)
_relu.defvjp(lambda g, ans, x: g * _passed(ans))
_relu.defjvp(lambda t, ans, x: t * _passed(ans))


def leaky_relu(x: Any, alpha: Any = 0.01) -> Any:
    """x for x > 0, alpha * x otherwise (seed 003 eq. 3.39); ``alpha`` may be a parameter.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> nn.leaky_relu(np.array([-2.0, 3.0]), alpha=0.1).tolist()
        [-0.2, 3.0]
    """
    return cnp.where(x > 0, x, alpha * x)


def hard_tanh(x: Any) -> Any:
    """x clipped to [-1, 1].

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> nn.hard_tanh(np.array([-3.0, 0.5, 3.0])).tolist()
        [-1.0, 0.5, 1.0]
    """
    return cnp.clip(x, -1.0, 1.0)


def softplus(x: Any) -> Any:
    """log(1 + exp(x)) as ``cnp.logaddexp(0, x)``: exact for large |x|; derivative sigmoid(x).

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> nn.softplus(np.array([-1000.0, 0.0, 1000.0])).round(4).tolist()
        [0.0, 0.6931, 1000.0]
    """
    return cnp.logaddexp(0.0, x)


def _shifted(x: Any, axis: int) -> Any:
    # Subtracting the maximum leaves softmax unchanged and keeps exp() <= 1; the shift is a
    # constant for differentiation (its derivative would cancel anyway).
    return x - stop_gradient(cnp.max(x, axis=axis, keepdims=True))


def softmax(x: Any, axis: int = -1) -> Any:
    """exp(x) / sum(exp(x)) along ``axis``, computed on x - max(x).

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> nn.softmax(np.array([[1000.0, 1000.0], [0.0, -1000.0]])).tolist()
        [[0.5, 0.5], [1.0, 0.0]]
    """
    e = cnp.exp(_shifted(x, axis))
    return e / cnp.sum(e, axis=axis, keepdims=True)


def log_softmax(x: Any, axis: int = -1) -> Any:
    """x - logsumexp(x) along ``axis``, without overflow or log(0).

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> nn.log_softmax(np.array([1000.0, 0.0])).tolist()
        [0.0, -1000.0]
    """
    s = _shifted(x, axis)
    return s - cnp.log(cnp.sum(cnp.exp(s), axis=axis, keepdims=True))


# --- module wrappers ----------------------------------------------------------------------
class Lambda(Module):
    """A parameterless module applying ``fn`` (``Sequential`` wraps plain functions in it).

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> nn.Lambda(np.square)(np.array([3.0])).tolist()
        [9.0]
    """

    def __init__(self, fn: Callable[[Any], Any], name: str | None = None) -> None:
        self.fn = fn
        self.name = name or getattr(fn, "__name__", type(fn).__name__)

    def forward(self, x: Any) -> Any:
        return self.fn(x)

    def __repr__(self) -> str:
        return f"Lambda({self.name})"


class _Elementwise(Module):
    fn: Callable[[Any], Any] = staticmethod(identity)

    def forward(self, x: Any) -> Any:
        return type(self).fn(x)


class Identity(_Elementwise):
    """Module form of ``identity``."""

    fn = staticmethod(identity)


class Sigmoid(_Elementwise):
    """Module form of ``sigmoid``.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> nn.Sigmoid()(np.array([0.0])).tolist()
        [0.5]
    """

    fn = staticmethod(sigmoid)


class Tanh(_Elementwise):
    """Module form of ``tanh``."""

    fn = staticmethod(tanh)


class ReLU(_Elementwise):
    """Module form of ``relu`` (derivative 0 at 0).

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> nn.ReLU()(np.array([-1.0, 2.0])).tolist()
        [0.0, 2.0]
    """

    fn = staticmethod(relu)


class HardTanh(_Elementwise):
    """Module form of ``hard_tanh``."""

    fn = staticmethod(hard_tanh)


class Softplus(_Elementwise):
    """Module form of ``softplus``."""

    fn = staticmethod(softplus)


class Softmax(Module):
    """Module form of ``softmax`` along ``axis``.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> nn.Softmax()(np.zeros(4)).tolist()
        [0.25, 0.25, 0.25, 0.25]
    """

    def __init__(self, axis: int = -1) -> None:
        self.axis = axis

    def forward(self, x: Any) -> Any:
        return softmax(x, axis=self.axis)

    def __repr__(self) -> str:
        return f"Softmax(axis={self.axis})"


class LogSoftmax(Softmax):
    """Module form of ``log_softmax`` along ``axis``."""

    def forward(self, x: Any) -> Any:
        return log_softmax(x, axis=self.axis)

    def __repr__(self) -> str:
        return f"LogSoftmax(axis={self.axis})"


class LeakyReLU(Module):
    """Leaky ReLU (seed 003 section 3.4.3.1) with a fixed ``alpha`` (PyTorch's default 0.01),
    or with ``learn_alpha=True`` a learned scalar parameter ``alpha`` (a 0-d array).

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule import nn
        >>> act = nn.LeakyReLU(alpha=0.2, learn_alpha=True)
        >>> g = cr.grad(lambda m: np.sum(m(np.array([-3.0, 1.0]))))(act)
        >>> float(g.alpha)  # d/d alpha of alpha * (-3)
        -3.0
    """

    def __init__(self, alpha: float = 0.01, learn_alpha: bool = False,
                 dtype: Any = np.float64) -> None:
        self.learn_alpha = bool(learn_alpha)
        self.alpha = np.array(alpha, dtype=dtype) if learn_alpha else float(alpha)

    def forward(self, x: Any) -> Any:
        return leaky_relu(x, self.alpha)

    def __repr__(self) -> str:
        kind = ", learned" if self.learn_alpha else ""
        return f"LeakyReLU(alpha={float(plain_array(self.alpha).item()):g}{kind})"
