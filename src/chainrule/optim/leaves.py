"""The optimizers work leaf by leaf: each flattens the gradients once, keeps its accumulators
as lists of arrays in ``cr.tree_flatten`` order (one per parameter array), and rebuilds the
updates' tree once. (Flattening a model of modules costs tens of microseconds, so an update
built from several ``tree_map`` calls would cost more than the arithmetic on small models.)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.backend import device, dtype_kind, foreign, namespace
from chainrule.jit.effects import guard
from chainrule.jit.staging import stage
from chainrule.optim.base import NonFiniteGradientError
from chainrule.tracer import primal
from chainrule.tree import TreeDef, tree_flatten, tree_leaves, tree_unflatten


def zero_count() -> np.ndarray:
    """A fresh step counter: a 0-d int64 array (so it is an ordinary state leaf)."""
    return np.zeros((), dtype=np.int64)


def next_count(count: np.ndarray) -> np.ndarray:
    """``count + 1`` as a 0-d int64 array (NumPy arithmetic on a 0-d array gives a scalar);
    inside ``cr.jit`` an instruction of the program."""
    value = primal(count)
    if getattr(value, "_jit_value", False):
        return stage(_increment, (value,), {})
    return _increment(value)


def from_count(f: Any, count: Any, *args: Any) -> Any:
    """``f(count, *args)``: Python numbers an update derives from the step count (schedules,
    bias corrections); inside ``cr.jit`` an instruction of the program, whose results stand for
    those numbers (the weak Python scalars NumPy keeps float32 arrays float32 with)."""
    value = primal(count)
    if getattr(value, "_jit_value", False):
        found = stage(f, (value, *args), {})
        return tuple(found[i] for i in range(2))
    return f(value, *args)


def _increment(count: np.ndarray) -> np.ndarray:
    return np.array(int(count) + 1, dtype=np.int64)


def zeros_like_leaves(params: Any, fill: float = 0.0) -> list[np.ndarray]:
    """One accumulator per parameter leaf, filled with ``fill``, in the parameter's float dtype.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim.leaves import zeros_like_leaves
        >>> [a.dtype.name for a in zeros_like_leaves({"w": np.ones(2, np.float32), "b": 1.0})]
        ['float32', 'float64']
    """
    out = []
    for p in tree_leaves(params):
        if foreign(p):  # another library's parameters keep their accumulators there
            xp = namespace(p)
            floating = dtype_kind(p) == "f"
            out.append(xp.full(p.shape, fill, dtype=p.dtype if floating else xp.float64,
                               device=device(p)))
            continue
        dtype = np.asarray(p).dtype
        out.append(np.full(np.shape(p), fill, dtype=dtype if dtype.kind == "f" else np.float64))
    return out


def gradient_leaves(op: str, grads: Any, count: np.ndarray, check_finite: bool,
                    like: list[np.ndarray] | None = None) -> tuple[list[Any], TreeDef]:
    """The leaves of ``grads`` and its structure, checked against the accumulators ``like``
    (same number of leaves, same shapes) and, when ``check_finite``, for NaN and infinity:
    ``NonFiniteGradientError`` names the step and the leaf.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim.leaves import gradient_leaves
        >>> gradient_leaves("sgd", [np.array([1.0, np.nan])], np.array(3), True)
        Traceback (most recent call last):
        ...
        chainrule.optim.base.NonFiniteGradientError: sgd: non-finite gradient at step 3 ...
    """
    leaves, treedef = tree_flatten(grads)
    if like is not None:
        _check_shapes(op, leaves, like, "the optimizer state was initialised for")
    if check_finite and leaves:  # inside cr.jit, one check the program makes on every call
        leaves[0] = guard(_finite_gradients, leaves[0], count, *leaves[1:], op=op)
    return leaves, treedef


def _finite_gradients(first: Any, count: Any, *rest: Any, op: str) -> Any:
    """``first``, or ``NonFiniteGradientError`` naming the first leaf (of ``first, *rest``)
    that holds NaN or inf. For NumPy arrays ``isfinite(g).all()``: cheaper than a summation
    inside ``np.errstate``, which costs more than the sum itself on a small network's arrays."""
    for k, g in enumerate((first, *rest)):
        if g.__class__ is np.ndarray or isinstance(g, np.generic):
            if np.isfinite(g).all():
                continue
        else:
            xp = namespace(g)
            if bool(xp.all(xp.isfinite(g))):
                continue
        xp = namespace(g)
        detail = (f"(shape {tuple(g.shape)}) holds {_count(xp, xp.isnan(g))} NaN and "
                  f"{_count(xp, xp.isinf(g))} infinite values")
        raise NonFiniteGradientError(op, int(count), k, detail)
    return first


def param_leaves(op: str, params: Any, grads: list[Any], why: str) -> list[Any]:
    """The leaves of ``params``, which ``update`` needs for ``why``, matching the gradients'."""
    if params is None:
        raise ValueError(f"{op}: {why} needs the parameters: call update(grads, state, params)")
    leaves = tree_leaves(params)
    _check_shapes(op, grads, leaves, "the parameters have")
    return leaves


def _check_shapes(op: str, grads: list[Any], like: list[Any], what: str) -> None:
    if len(grads) != len(like):
        raise ValueError(
            f"{op}: the gradients have {len(grads)} arrays but {what} {len(like)}; pass the "
            "gradients of the parameters the optimizer was initialised with"
        )
    for k, (g, p) in enumerate(zip(grads, like, strict=True)):
        if np.shape(g) != np.shape(p):
            raise ValueError(f"{op}: gradient leaf {k} has shape {np.shape(g)} but its "
                             f"parameter has shape {np.shape(p)}")


def coupled_decay(op: str, grads: list[Any], params: Any, weight_decay: float) -> list[Any]:
    """``g + lambda W`` leaf by leaf (L2 weight decay added to the gradient)."""
    if weight_decay == 0.0:
        return grads
    p = param_leaves(op, params, grads, f"weight_decay={weight_decay}")
    return [g + weight_decay * w for g, w in zip(grads, p, strict=True)]


def moved(params: Any, steps: list[np.ndarray], scale: float) -> Any:
    """``params + scale * steps`` as a tree like ``params`` (a lookahead point)."""
    leaves, treedef = tree_flatten(params)
    return tree_unflatten(treedef, [p + scale * s for p, s in zip(leaves, steps, strict=True)])



def _count(xp: Any, mask: Any) -> int:
    """The number of True entries of a boolean array of any library."""
    return int(xp.sum(xp.astype(mask, xp.int64)))
