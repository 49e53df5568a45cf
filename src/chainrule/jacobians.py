"""Whole derivative matrices: ``jacobian`` (forward or reverse), ``hessian``, ``hvp``.

A Jacobian of f: R^D -> R^M costs D forward passes (one column each) or M backward sweeps (one
row each); ``mode="auto"`` picks the cheaper side (seed 000: forward mode suits M >= D, reverse
mode suits D > M). The Hessian is forward-over-reverse: columns of the Jacobian of the gradient.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from chainrule.backend import device, dtype_kind, foreign, library, namespace, zeros_like
from chainrule.holomorphic import holomorphic_grad
from chainrule.jvp import _jvp, jvp
from chainrule.transforms import ArgNums, _argnums_tuple, _place, grad, vjp
from chainrule.tree import tree_flatten, tree_unflatten


def jacobian(f: Callable, argnums: ArgNums = 0, mode: str = "auto",
             holomorphic: bool = False) -> Callable:
    """``f`` -> a function returning its Jacobian, of shape ``out.shape + arg.shape``.

    Pytrees are allowed on both sides: the result has the output's structure, and each output
    leaf holds the Jacobian blocks with the structure of the differentiated arguments (a tuple
    when ``argnums`` is a tuple).

    Complex inputs need ``holomorphic=True``: the complex Jacobian ``df/dz`` exists only for a
    holomorphic ``f`` (then both modes give it). For any other function of complex inputs,
    differentiate with respect to the real and imaginary parts as separate real arrays.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> cr.jacobian(lambda x: x ** 2)(np.array([1.0, 2.0])).tolist()
        [[2.0, 0.0], [0.0, 4.0]]
    """
    if mode not in ("auto", "fwd", "rev"):
        raise ValueError(f"jacobian: mode={mode!r}; use 'fwd', 'rev' or 'auto'")

    @functools.wraps(f)
    def jacobian_f(*args: Any, **kwargs: Any):
        fk = functools.partial(f, **kwargs) if kwargs else f
        nums = _argnums_tuple(argnums, len(args), "jacobian")
        wrt = tuple(args[n] for n in nums)
        in_leaves, in_def = tree_flatten(wrt)
        in_shapes = [np.shape(x) for x in in_leaves]
        _check_complex(in_leaves, holomorphic)

        def g(*xs):
            return fk(*_place(args, nums, xs))

        chosen = mode
        if mode == "auto":
            out_size = sum(np.size(o) for o in tree_flatten(g(*wrt))[0])
            chosen = "fwd" if sum(int(np.prod(s)) for s in in_shapes) <= out_size else "rev"
        blocks, out_leaves, out_def = (_forward if chosen == "fwd" else _reverse)(g, wrt)
        per_out = []
        for k, o in enumerate(out_leaves):
            row = [_reshape(blocks[k][i], np.shape(o) + in_shapes[i])
                   for i in range(len(in_shapes))]
            tree = tree_unflatten(in_def, row)
            per_out.append(tree[0] if isinstance(argnums, int) else tree)
        return tree_unflatten(out_def, per_out)

    return jacobian_f


def _check_complex(leaves: Sequence[Any], holomorphic: bool) -> None:
    complex_in = [dtype_kind(x) == "c" for x in leaves]
    if holomorphic and not all(complex_in):
        raise TypeError(
            "jacobian(holomorphic=True): every differentiated input must be complex; give "
            "real inputs a complex dtype (x.astype(complex)) or drop holomorphic=True."
        )
    if any(complex_in) and not holomorphic:
        raise TypeError(
            "jacobian: a differentiated input is complex. The complex Jacobian df/dz exists "
            "only where f is holomorphic: promise it with jacobian(f, holomorphic=True). For "
            "other functions (abs, real, conj, ...) pass the real and imaginary parts as "
            "separate real arrays."
        )


def _refuse_complex(args: tuple, op: str) -> None:
    for a in args:  # the common case, real arrays, without flattening
        if type(a) is not np.ndarray or a.dtype.kind != "f":
            break
    else:
        return
    if any(dtype_kind(x) == "c" for x in tree_flatten(args)[0]):
        raise TypeError(
            f"{op}: a differentiated input is complex. Second derivatives of a real function "
            "of complex inputs mix z and conj(z); pass the real and imaginary parts as "
            "separate real arrays (f(x, y) with z = x + 1j * y), or, for a holomorphic f, "
            "use cr.hessian(f, holomorphic=True)."
        )


def _basis(leaves: Sequence[Any]):
    """Yield (leaf index, one-hot tangents for all leaves), each a plain array of its leaf's
    library (a traced leaf's too: the tangents are constants)."""
    for i, leaf in enumerate(leaves):
        for j in range(int(np.size(leaf))):
            tangents = [zeros_like(x) for x in leaves]
            if foreign(leaf):
                xp = library(leaf)
                n = int(np.size(leaf))
                row = xp.eye(1, n, k=j, dtype=leaf.dtype, device=device(leaf))[0, :]
                tangents[i] = xp.reshape(row, leaf.shape)
            else:
                tangents[i].reshape(-1)[j] = 1.0
            yield i, tangents


def _flat(x: Any) -> Any:
    return namespace(x).reshape(x, (-1,))


def _reshape(x: Any, shape: tuple[int, ...]) -> Any:
    return namespace(x).reshape(x, shape)


def _stack(xs: list[Any], axis: int) -> Any:
    return namespace(*xs).stack(xs, axis=axis)


def _empty(like: Any, shape: tuple[int, int]) -> Any:
    """An empty block (no input or output entries) in ``like``'s library."""
    if foreign(like):
        return library(like).zeros(shape, dtype=like.dtype, device=device(like))
    return np.zeros(shape)


def _forward(g: Callable, wrt: tuple):
    """Columns by forward mode: one jvp per input entry."""
    in_leaves, in_def = tree_flatten(wrt)
    columns: list[list[Any]] = [[] for _ in in_leaves]
    out_leaves, out_def = None, None
    for i, tangents in _basis(in_leaves):
        out, tan = jvp(g, wrt, tree_unflatten(in_def, tangents))
        out_leaves, out_def = tree_flatten(out)
        columns[i].append([_flat(t) for t in tree_flatten(tan)[0]])
    if out_leaves is None:  # no input entries at all
        out_leaves, out_def = tree_flatten(g(*wrt))
    blocks = []
    for k, o in enumerate(out_leaves):
        blocks.append([
            _stack([c[k] for c in columns[i]], axis=-1) if columns[i]
            else _empty(o, (int(np.size(o)), 0))
            for i in range(len(in_leaves))
        ])
    return blocks, out_leaves, out_def


def _reverse(g: Callable, wrt: tuple):
    """Rows by reverse mode: one recorded pass, one backward sweep per output entry."""
    out, back = vjp(g, *wrt)
    out_leaves, out_def = tree_flatten(out)
    in_leaves = tree_flatten(wrt)[0]
    rows: list[list[Any]] = [[] for _ in out_leaves]
    for k, cotangents in _basis(out_leaves):
        cts = tree_flatten(back(tree_unflatten(out_def, cotangents)))[0]
        rows[k].append([_flat(c) for c in cts])
    blocks = []
    for k in range(len(out_leaves)):
        blocks.append([
            _stack([r[i] for r in rows[k]], axis=0) if rows[k]
            else _empty(in_leaves[i], (0, int(np.size(in_leaves[i]))))
            for i in range(len(in_leaves))
        ])
    return blocks, out_leaves, out_def


def hessian(f: Callable, argnums: ArgNums = 0, holomorphic: bool = False) -> Callable:
    """``f`` (scalar) -> its Hessian, forward-over-reverse; shape ``x.shape + x.shape``.

    With ``holomorphic=True`` (complex inputs, ``f`` complex-differentiable) it is the complex
    Hessian d^2 f / dz_i dz_j; real functions of complex inputs are refused (see ``jacobian``).

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> cr.hessian(lambda x: x[0] ** 2 * x[1])(np.array([1.0, 2.0])).tolist()
        [[4.0, 2.0], [2.0, 0.0]]
        >>> cr.hessian(lambda z: np.sum(z ** 3), holomorphic=True)(np.array([1j])).tolist()
        [[6j]]
    """
    if holomorphic:
        return jacobian(holomorphic_grad(f, argnums), argnums, mode="fwd", holomorphic=True)
    hess = jacobian(grad(f, argnums), argnums, mode="fwd")

    @functools.wraps(f)
    def hessian_f(*args: Any, **kwargs: Any):
        nums = _argnums_tuple(argnums, len(args), "hessian")
        _refuse_complex(tuple(args[n] for n in nums), "hessian")
        return hess(*args, **kwargs)

    return hessian_f


def hvp(f: Callable, primals: Sequence[Any], vectors: Sequence[Any]) -> Any:
    """Hessian-vector product H v of scalar ``f`` at ``primals``, without forming H.

    Forward-over-reverse: the directional derivative of the gradient along ``vectors``, for
    about the cost of two gradients. The result has the structure of ``vectors`` (one entry per
    primal): ``cr.hvp(f, (x,), (v,))`` returns ``(H @ v,)``.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> f = lambda x: np.sum(x ** 3)
        >>> cr.hvp(f, (np.array([1.0, 2.0]),), (np.array([1.0, 1.0]),))[0].tolist()
        [6.0, 12.0]
    """
    primals, vectors = tuple(primals), tuple(vectors)
    _refuse_complex(primals, "hvp")
    gradient = grad(f, argnums=tuple(range(len(primals))))
    # Only the tangent of the gradient is wanted: its value is never computed (deferred.py).
    return _jvp(gradient, primals, vectors, has_aux=False, values=False)[1]
