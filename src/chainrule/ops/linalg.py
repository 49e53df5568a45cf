"""Products and matrix structure: matmul, dot, tensordot, einsum, diagonal, triangles, kron.

Three primitives carry the family: ``matmul`` (the engine of ``@``, hot in every network; in
``ops/matmul.py``),
``einsum`` (any labelled contraction) and the ``diagonal`` / ``diagonal_embed`` pair (each the
transpose of the other). Everything else is composed from them and the shape primitives.
The decompositions (inv, solve, det, cholesky, eigh) live in ``ops/decompositions.py``.
On another library's arrays everything here runs in that library except ``einsum``, which
the Array API standard lacks: it refuses them (BackendError).

Matrix calculus used below (Giles 2008, "An extended collection of matrix derivative results"):
for C = A B, the reverse rules are  A_bar = C_bar B^T,  B_bar = A^T C_bar.
"""

from __future__ import annotations

import string
from collections import Counter

import numpy as np

from chainrule.backend import device, dtype_kind
from chainrule.describe import describe
from chainrule.ops import portable_b
from chainrule.ops.arithmetic import multiply
from chainrule.ops.matmul import _arr, matmul
from chainrule.ops.reduce import sum as _sum
from chainrule.ops.shape import broadcast_to, reshape, transpose
from chainrule.primitive import Primitive

__all__ = [
    "matmul", "dot", "vdot", "inner", "outer", "tensordot", "einsum", "trace", "diag",
    "diagonal", "triu", "tril", "kron",
]


def _no_out(name: str, out) -> None:
    if out is not None:
        raise TypeError(f"{name}(..., out=...) is not supported on traced values; use the "
                        "returned array instead")


def dot(a, b, out=None):
    """``numpy.dot``: a product for scalars, ``matmul`` for 1-D/2-D operands, otherwise a sum
    over the last axis of ``a`` and the second-to-last of ``b``.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(lambda x: np.dot(x, x))(np.array([1.0, 2.0])).tolist()
        [2.0, 4.0]
    """
    _no_out("dot", out)
    a, b = _arr(a), _arr(b)
    if a.ndim == 0 or b.ndim == 0:
        return multiply(a, b)
    if b.ndim <= 2:
        return matmul(a, b)
    return tensordot(a, b, axes=([a.ndim - 1], [b.ndim - 2]))


def vdot(a, b, /):
    """``numpy.vdot``: the dot product of the flattened arrays, conjugating ``a`` if complex.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> b = np.array([1j, 2.0])
        >>> cr.grad(lambda a: np.vdot(a, b).real)(np.array([1 + 0j, 1 + 0j]))  # Re(conj(a) b)
        array([0.-1.j, 2.-0.j])
    """
    a = _arr(a)
    if dtype_kind(a) == "c":
        from chainrule.ops.complex import conj

        a = conj(a)
    return matmul(reshape(a, (-1,)), reshape(_arr(b), (-1,)))


def inner(a, b, /):
    """``numpy.inner``: sum over the last axes of ``a`` and ``b``."""
    a, b = _arr(a), _arr(b)
    if a.ndim == 0 or b.ndim == 0:
        return multiply(a, b)
    return tensordot(a, b, axes=([a.ndim - 1], [b.ndim - 1]))


def outer(a, b, out=None):
    """``numpy.outer``: ``a.ravel()[:, None] * b.ravel()[None, :]``."""
    _no_out("outer", out)
    return multiply(reshape(_arr(a), (-1, 1)), reshape(_arr(b), (1, -1)))


def _axes_list(axes, ndim: int) -> list[int]:
    axes = [axes] if isinstance(axes, int | np.integer) else list(axes)
    return [int(x) % ndim if ndim else int(x) for x in axes]


def tensordot(a, b, axes=2):
    """``numpy.tensordot``: contraction of ``a``'s ``axes[0]`` with ``b``'s ``axes[1]``.

    Composed as transpose -> reshape to one matrix per operand -> matmul -> reshape.

    Example:
        >>> import numpy as np, chainrule.numpy as cnp
        >>> cnp.tensordot(np.ones((2, 3)), np.ones((3, 4)), axes=1).shape
        (2, 4)
    """
    a, b = _arr(a), _arr(b)
    if isinstance(axes, int | np.integer):
        ax_a = list(range(a.ndim - int(axes), a.ndim))
        ax_b = list(range(int(axes)))
    else:
        ax_a, ax_b = _axes_list(axes[0], a.ndim), _axes_list(axes[1], b.ndim)
    pairs = zip(ax_a, ax_b, strict=False)
    if len(ax_a) != len(ax_b) or any(a.shape[i] != b.shape[j] for i, j in pairs):
        raise ValueError(
            f"tensordot: axes {ax_a} of a {describe(a)} do not match axes {ax_b} of a "
            f"{describe(b)}; the contracted axes must pair up with equal lengths."
        )
    free_a = [i for i in range(a.ndim) if i not in ax_a]
    free_b = [i for i in range(b.ndim) if i not in ax_b]
    k = int(np.prod([a.shape[i] for i in ax_a]))
    out_shape = tuple(a.shape[i] for i in free_a) + tuple(b.shape[i] for i in free_b)
    perm_a, perm_b = free_a + ax_a, ax_b + free_b
    if perm_a != list(range(a.ndim)):
        a = transpose(a, perm_a)
    if perm_b != list(range(b.ndim)):
        b = transpose(b, perm_b)
    rows = int(np.prod(out_shape[: len(free_a)]))
    cols = int(np.prod(out_shape[len(free_a):]))
    return reshape(matmul(reshape(a, (rows, k)), reshape(b, (k, cols))), out_shape)


# --- einsum -------------------------------------------------------------------------------
_LETTERS = string.ascii_uppercase + string.ascii_lowercase  # in NumPy's (ASCII) label order


def _einsum_impl(*operands, subscripts, optimize):
    return np.einsum(subscripts, *operands, optimize=optimize)


def _einsum_vjp(k: int):
    def rule(g, ans, *ops, subscripts, optimize):
        # Cotangent of operand k: contract the output cotangent with the other operands onto
        # operand k's labels. A label of operand k found nowhere else was summed away in the
        # forward pass, so its cotangent is broadcast along that axis.
        lhs, out = subscripts.split("->")
        ins = lhs.split(",")
        others = [s for j, s in enumerate(ins) if j != k]
        seen = set(out).union(*others)
        target = ins[k]
        kept = "".join(c for c in target if c in seen)
        spec = ",".join([out, *others]) + "->" + kept
        opt = optimize if isinstance(optimize, bool | str) else "greedy"
        c = _einsum(g, *(o for j, o in enumerate(ops) if j != k), subscripts=spec, optimize=opt)
        if kept != target:
            sizes = dict(zip(kept, c.shape, strict=True))
            full = tuple(sizes.get(ch, n) for ch, n in zip(target, ops[k].shape, strict=True))
            c = broadcast_to(reshape(c, tuple(sizes.get(ch, 1) for ch in target)), full)
        return c

    return rule


def _einsum_jvp(k: int):
    def rule(t, ans, *ops, subscripts, optimize):
        ops = list(ops)
        ops[k] = t  # einsum is linear in each operand
        return _einsum(*ops, subscripts=subscripts, optimize=optimize)

    return rule


_MAX_OPERANDS = 64  # NumPy's own limit on einsum operands

_einsum = Primitive("einsum", _einsum_impl, save_ans=False, register=True)
_einsum.defvjp(*(_einsum_vjp(k) for k in range(_MAX_OPERANDS)))
_einsum.defjvp(*(_einsum_jvp(k) for k in range(_MAX_OPERANDS)))


def _sublists_to_spec(operands) -> tuple[str, list]:
    ops = list(operands)
    out = ops.pop() if len(ops) % 2 else None

    def letters(sub) -> str:
        return "".join("..." if s is Ellipsis else _LETTERS[int(s)] for s in sub)

    spec = ",".join(letters(s) for s in ops[1::2])
    return spec + ("" if out is None else "->" + letters(out)), ops[0::2]


def _einsum_normalize(spec: str, arrays: list) -> tuple[list[str], str]:
    """Explicit labels per operand and for the output: '...' replaced by unused letters
    (right-aligned, as NumPy broadcasts), the implicit output made explicit."""
    lhs, arrow, out = spec.replace(" ", "").partition("->")
    ins = lhs.split(",")
    if len(ins) != len(arrays):
        raise ValueError(f"einsum: {spec!r} names {len(ins)} operands but {len(arrays)} "
                         "were given")
    free = [c for c in _LETTERS if c not in spec]
    n_ell = max((x.ndim - len(s) + 3 for s, x in zip(ins, arrays, strict=True) if "..." in s),
                default=0)
    ell = "".join(free[: max(n_ell, 0)])
    labels = []
    for i, (s, x) in enumerate(zip(ins, arrays, strict=True)):
        full = s.replace("...", ell[len(ell) - (x.ndim - len(s) + 3):]) if "..." in s else s
        if len(full) != x.ndim or not full.isalpha():
            raise ValueError(f"einsum: operand {i} is a {describe(x)} but its subscripts "
                             f"{s!r} do not name its {x.ndim} axes")
        labels.append(full)
    if arrow:
        return labels, out.replace("...", ell)
    counts = Counter("".join(labels))
    return labels, ell + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in ell))


def einsum(*operands, out=None, dtype=None, order="K", casting="safe", optimize=False):
    """``numpy.einsum``: explicit ('ij,jk->ik') or implicit output, '...', any number of
    operands, the interleaved (operand, sublist) form. ``order``/``casting`` only affect memory
    layout and are ignored on traced values.

    A label repeated within one operand ('ii->i', 'ii') takes that operand's diagonal first,
    so it is differentiated through ``diagonal``.

    Example:
        >>> import chainrule as cr, numpy as np
        >>> cr.grad(lambda A: np.einsum("ii", A))(np.ones((2, 2))).tolist()
        [[1.0, 0.0], [0.0, 1.0]]
    """
    if portable_b.numpy_only(*operands):
        return np.einsum(*operands, out=out, dtype=dtype, order=order, casting=casting,
                         optimize=optimize)
    _no_out("einsum", out)
    if isinstance(operands[0], str):
        spec, arrays = operands[0], list(operands[1:])
    else:
        spec, arrays = _sublists_to_spec(operands)
    arrays = [_arr(x) if dtype is None else _arr(x).astype(dtype) for x in arrays]
    labels, out_labels = _einsum_normalize(spec, arrays)
    for i, s in enumerate(labels):
        while len(set(s)) < len(s):  # repeated label: take the diagonal of those two axes
            c = next(c for c in s if s.count(c) > 1)
            p = s.index(c)
            q = s.index(c, p + 1)
            arrays[i] = diagonal(arrays[i], 0, p, q)
            s = s[:p] + s[p + 1: q] + s[q + 1:] + c
        labels[i] = s
    return _einsum(*arrays, subscripts=",".join(labels) + "->" + out_labels, optimize=optimize)


# --- diagonals ----------------------------------------------------------------------------
def _embed_impl(g, shape, offset, axis1, axis2):
    out = np.zeros(shape, dtype=g.dtype)
    view = np.moveaxis(out, (axis1, axis2), (-2, -1))  # the diagonal's axes last (a view)
    n = g.shape[-1]
    view[..., np.arange(n) + max(-offset, 0), np.arange(n) + max(offset, 0)] = g
    return out


def _diagonal_positions(shape, offset, axis1, axis2):
    """Flat positions of the diagonal in an array of ``shape`` (ops/portable_b.py)."""
    return portable_b.positions(shape, lambda a: np.diagonal(a, offset, axis1, axis2))


# diagonal_embed(g): zeros of ``shape`` with g written on the diagonal; the transpose (adjoint)
# of taking that diagonal, so each is the other's VJP. Other libraries' arrays: a gather of
# the diagonal's flat positions, and its scatter.
_diagonal_embed = Primitive(
    "diagonal_embed", _embed_impl, save_args=False, save_ans=False, register=True,
    xp_impl=lambda g, shape, offset, axis1, axis2: portable_b.scatter(
        g, _diagonal_positions(shape, offset, axis1, axis2), shape))
_diagonal_embed.defvjp(lambda g, ans, x, shape, offset, axis1, axis2:
                       _diagonal(g, offset=offset, axis1=axis1, axis2=axis2))
_diagonal_embed.defjvp(lambda t, ans, x, shape, offset, axis1, axis2:
                       _diagonal_embed(t, shape=shape, offset=offset, axis1=axis1, axis2=axis2))

_diagonal = Primitive("diagonal", lambda a, offset, axis1, axis2: np.diagonal(
    a, offset, axis1, axis2), save_ans=False, register=True,
    xp_impl=lambda a, offset, axis1, axis2: portable_b.gather(
        a, _diagonal_positions(a.shape, offset, axis1, axis2)))
_diagonal.defvjp(lambda g, ans, a, offset, axis1, axis2: _diagonal_embed(
    g, shape=a.shape, offset=offset, axis1=axis1, axis2=axis2))
_diagonal.defjvp(lambda t, ans, a, offset, axis1, axis2:
                 _diagonal(t, offset=offset, axis1=axis1, axis2=axis2))


def diagonal(a, offset=0, axis1=0, axis2=1):
    """``numpy.diagonal`` (the diagonal axis goes last, as in NumPy)."""
    a = _arr(a)
    if portable_b.numpy_only(a):
        return np.diagonal(a, offset, axis1, axis2)
    nd = a.ndim
    if nd < 2 or not (-nd <= axis1 < nd and -nd <= axis2 < nd) or axis1 % nd == axis2 % nd:
        raise ValueError(f"diagonal: axis1={axis1}, axis2={axis2} must be two different axes "
                         f"of a {describe(a)}")
    return _diagonal(a, offset=int(offset), axis1=axis1 % nd, axis2=axis2 % nd)


def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """``numpy.trace``: the sum of ``diagonal(a, offset, axis1, axis2)``."""
    _no_out("trace", out)
    d = diagonal(a, offset, axis1, axis2)
    return _sum(d if dtype is None else d.astype(dtype), axis=-1)


def diag(v, k=0):
    """``numpy.diag``: a 1-D ``v`` on the k-th diagonal of a square matrix, or the k-th
    diagonal of a 2-D ``v``."""
    v = _arr(v)
    if v.ndim == 1:
        n = v.shape[0] + abs(int(k))
        return _diagonal_embed(v, shape=(n, n), offset=int(k), axis1=0, axis2=1)
    if v.ndim == 2:
        return diagonal(v, k)
    raise ValueError(f"diag: expected a 1-D or 2-D array, got a {describe(v)}")


def _triangle(m, k: int, lower: bool):
    m = _arr(m)
    n_rows, n_cols = m.shape[-2:] if m.ndim >= 2 else (m.shape[-1], m.shape[-1])
    xp = portable_b.xp_of(m)
    if xp is not None:  # the same 0/1 mask, made by the array's own library
        ones = xp.ones((n_rows, n_cols), dtype=m.dtype, device=device(m))
        return multiply(m, xp.tril(ones, k=k) if lower else xp.triu(ones, k=k))
    mask = np.tri(n_rows, n_cols, k if lower else k - 1, dtype=bool)
    return multiply(m, (mask if lower else ~mask).astype(m.dtype))


def triu(m, k=0):
    """``numpy.triu``: entries below the k-th diagonal set to zero (their derivative is 0)."""
    return np.triu(m, k) if portable_b.numpy_only(m) else _triangle(m, int(k), lower=False)


def tril(m, k=0):
    """``numpy.tril``: entries above the k-th diagonal set to zero (their derivative is 0)."""
    return np.tril(m, k) if portable_b.numpy_only(m) else _triangle(m, int(k), lower=True)


def kron(a, b):
    """``numpy.kron``: the Kronecker product, as an interleaved outer product reshaped."""
    a, b = _arr(a), _arr(b)
    nd = max(a.ndim, b.ndim)
    sa = (1,) * (nd - a.ndim) + a.shape
    sb = (1,) * (nd - b.ndim) + b.shape
    if nd == 0:
        return multiply(a, b)
    prod = multiply(reshape(a, tuple(x for n in sa for x in (n, 1))),
                    reshape(b, tuple(x for n in sb for x in (1, n))))
    return reshape(prod, tuple(x * y for x, y in zip(sa, sb, strict=True)))


# numpy.linalg functions (chainrule.numpy.linalg); same-named ones share NumPy's semantics.
LINALG_ALL = ["matmul", "tensordot", "outer"]
