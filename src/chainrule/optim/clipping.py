"""Gradient clipping (seed 003, section 3.5.5): by value, by the global L2 norm, and by the
norm of each parameter array.

Each comes as a function on a gradient pytree (``clip_by_value``, ``clip_by_global_norm``,
``clip_by_leaf_norm``) and as a transformation to put first in a ``chain`` (``clip_value``,
``clip_global_norm``, ``clip_leaf_norm``). When a norm is NaN or infinite the transformations
leave the gradients as they are, so that the optimizer after them reports the leaf that holds
the non-finite value instead of receiving NaN everywhere.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from chainrule.backend import foreign, namespace
from chainrule.jit.staging import stage
from chainrule.optim.base import EmptyState, GradientTransformation
from chainrule.tracer import primal
from chainrule.tree import tree_flatten, tree_leaves, tree_map, tree_unflatten


def _check_max_norm(op: str, max_norm: float) -> float:
    if not (isinstance(max_norm, int | float | np.floating) and 0 < max_norm < math.inf):
        raise ValueError(f"{op}: max_norm must be a finite number > 0, got {max_norm!r}")
    return float(max_norm)


def _check_bounds(op: str, low: float, high: float) -> tuple[float, float]:
    for name, v in (("low", low), ("high", high)):
        if not isinstance(v, int | float | np.floating) or math.isnan(v):
            raise ValueError(f"{op}: {name} must be a number, got {v!r}")
    if low > high:
        raise ValueError(f"{op}: low={low} is above high={high}")
    return float(low), float(high)


def global_norm(tree: Any) -> float:
    """The L2 norm of all the leaves of ``tree`` taken together, ``sqrt(sum of squares)``.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import global_norm
        >>> global_norm({"a": np.array([3.0]), "b": np.array([[4.0]])})
        5.0
    """
    total = 0.0
    for g in tree_leaves(tree):
        if foreign(g):  # another library's arrays: summed there, one number brought back
            xp = namespace(g)
            total += float(xp.sum(xp.real(g * xp.conj(g))))
            continue
        g = np.asarray(g)
        total += float(np.vdot(g, g).real)
    return math.sqrt(total)


def clip_by_value(grads: Any, low: float, high: float) -> Any:
    """Set every partial derivative below ``low`` to ``low`` and above ``high`` to ``high``
    (seed 003, section 3.5.5, value-based clipping; PyTorch's ``clip_grad_value_`` uses
    ``low = -high``).

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import clip_by_value
        >>> clip_by_value(np.array([-3.0, 0.5, 2.0]), -1.0, 1.0).tolist()
        [-1.0, 0.5, 1.0]
    """
    low, high = _check_bounds("clip_by_value", low, high)
    return tree_map(lambda g: _clip(g, low, high), grads)


def _clip(g: Any, low: float, high: float) -> Any:
    return np.clip(g, low, high) if not foreign(g) else namespace(g).clip(g, low, high)


def clip_by_global_norm(grads: Any, max_norm: float) -> tuple[Any, float]:
    """Rescale the whole gradient to L2 norm ``max_norm`` if it is longer (seed 003, section
    3.5.5, norm-based clipping): returns ``(clipped, norm_before)``, like PyTorch's
    ``clip_grad_norm_`` (which divides by ``norm + 1e-6``; here the norm is exactly
    ``max_norm`` after clipping). Directions are unchanged. A non-finite norm leaves the
    gradients unchanged and is returned as it is.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import clip_by_global_norm
        >>> clipped, norm = clip_by_global_norm([np.array([3.0]), np.array([4.0])], 1.0)
        >>> [c.round(12).tolist() for c in clipped], norm
        ([[0.6], [0.8]], 5.0)
    """
    max_norm = _check_max_norm("clip_by_global_norm", max_norm)
    leaves, treedef = tree_flatten(grads)
    values = [primal(g) for g in leaves]
    if any(getattr(v, "_jit_value", False) for v in values):
        # inside cr.jit: the program computes the norm and the scale (1.0 where eager code
        # leaves the gradients as they are: g * 1.0 is g, bit for bit)
        both = stage(_norm_and_scale, tuple(values), {"max_norm": max_norm})
        return tree_unflatten(treedef, [g * both[1] for g in leaves]), both[0]
    norm, scale = _norm_and_scale(*leaves, max_norm=max_norm)
    if scale == 1.0:
        return grads, norm
    return tree_unflatten(treedef, [g * scale for g in leaves]), norm


def _norm_and_scale(*leaves: Any, max_norm: float) -> tuple[float, float]:
    """The global norm and the factor that brings it down to ``max_norm`` (1.0 when it is
    not longer, or not finite)."""
    norm = global_norm(list(leaves))
    if norm <= max_norm or not math.isfinite(norm):
        return norm, 1.0
    return norm, max_norm / norm


def clip_by_leaf_norm(grads: Any, max_norm: float) -> Any:
    """Rescale each gradient leaf (each parameter array) separately to L2 norm at most
    ``max_norm``.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import clip_by_leaf_norm
        >>> clipped = clip_by_leaf_norm([np.array([3.0, 4.0]), np.array([0.1])], 1.0)
        >>> [g.round(12).tolist() for g in clipped]
        [[0.6, 0.8], [0.1]]
    """
    max_norm = _check_max_norm("clip_by_leaf_norm", max_norm)

    def clip(g: Any) -> Any:
        norm = global_norm(g)
        return g * (max_norm / norm) if max_norm < norm < math.inf else g

    return tree_map(clip, grads)


def _stateless(fn: Any) -> GradientTransformation:
    def update(grads: Any, state: EmptyState, params: Any = None) -> tuple[Any, EmptyState]:
        return fn(grads), state

    return GradientTransformation(lambda params: EmptyState(), update)


def clip_value(low: float, high: float) -> GradientTransformation:
    """``clip_by_value`` as a transformation.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import chain, clip_value, sgd
        >>> tx = chain(clip_value(-1.0, 1.0), sgd(0.1))
        >>> tx.update(np.array([-5.0, 0.5]), tx.init(np.zeros(2)))[0].tolist()
        [0.1, -0.05]
    """
    low, high = _check_bounds("clip_value", low, high)
    return _stateless(lambda grads: tree_map(lambda g: _clip(g, low, high), grads))


def clip_global_norm(max_norm: float) -> GradientTransformation:
    """``clip_by_global_norm`` as a transformation (the norm before clipping is not kept).

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import clip_global_norm
        >>> tx = clip_global_norm(2.5)
        >>> tx.update(np.array([3.0, 4.0]), tx.init(None))[0].tolist()
        [1.5, 2.0]
    """
    max_norm = _check_max_norm("clip_global_norm", max_norm)
    return _stateless(lambda grads: clip_by_global_norm(grads, max_norm)[0])


def clip_leaf_norm(max_norm: float) -> GradientTransformation:
    """``clip_by_leaf_norm`` as a transformation.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import clip_leaf_norm
        >>> tx = clip_leaf_norm(1.0)
        >>> [u.tolist() for u in tx.update([np.array([0.0, 2.0])], tx.init(None))[0]]
        [[0.0, 1.0]]
    """
    max_norm = _check_max_norm("clip_leaf_norm", max_norm)
    return _stateless(lambda grads: clip_by_leaf_norm(grads, max_norm))
