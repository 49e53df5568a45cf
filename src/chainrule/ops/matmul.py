"""``matmul``, the primitive behind ``@``: the hottest operation of every network.

For C = A B the reverse rules are  A_bar = C_bar B^T  and  B_bar = A^T C_bar  (Giles 2008); 1-D
operands are promoted as NumPy promotes them, and batch axes are broadcast by NumPy and summed
back by the engine. Forward mode may defer computing the product (``aval``, ``deferred.py``).
"""

from __future__ import annotations

import numpy as np

from chainrule.backend import foreign
from chainrule.ops.shape import reshape, transpose
from chainrule.primitive import Primitive
from chainrule.tracer import Tracer


def _arr(x):
    """Constants given as lists or Python numbers, as arrays (for ``.ndim`` bookkeeping);
    other libraries' arrays stay as they are."""
    return x if isinstance(x, (np.ndarray, Tracer)) or foreign(x) else np.asarray(x)


def _mT(x):
    """Swap the last two axes: a free view for plain arrays, a transpose node when traced."""
    if isinstance(x, np.ndarray):
        return x.mT
    nd = x.ndim
    return transpose(x, (*range(nd - 2), nd - 1, nd - 2))


# --- matmul -------------------------------------------------------------------------------
def _promote(a, b, g):
    """Matrix forms of matmul's operands and cotangent: a 1-D ``a`` is a row (1, n), a 1-D
    ``b`` a column (n, 1), and ``g`` gets the matching length-1 axes back."""
    if b.ndim == 1:
        b = reshape(b, (b.shape[0], 1))
        g = reshape(g, g.shape + (1,))
    if a.ndim == 1:
        a = reshape(a, (1, a.shape[0]))
        g = reshape(g, g.shape[:-1] + (1,) + g.shape[-1:])
    return a, b, g


def _matmul_vjp_a(g, ans, a, b):
    if g.__class__ is np.ndarray and b.__class__ is np.ndarray and a.ndim >= 2 and b.ndim >= 2:
        return np.matmul(g, b.mT)  # the hottest path, plain arrays: NumPy directly
    b = _arr(b)
    if a.ndim >= 2 and b.ndim >= 2:  # one matmul on a transposed view
        return matmul(g, _mT(b))
    if b.ndim == 1 and a.ndim <= 2:  # matrix @ vector: an outer product; vector . vector
        return reshape(g, g.shape + (1,)) * b if a.ndim == 2 else g * b
    if a.ndim == 1 and b.ndim == 2:  # vector @ matrix
        return matmul(b, g)
    a2, b2, g2 = _promote(a, b, g)
    # (..., 1, n) for a 1-D a: the engine sums the leading axes back to (n,)
    return matmul(g2, _mT(b2))


def _matmul_vjp_b(g, ans, a, b):
    if g.__class__ is np.ndarray and a.__class__ is np.ndarray and a.ndim >= 2 and b.ndim >= 2:
        return np.matmul(a.mT, g)
    a = _arr(a)
    if a.ndim >= 2 and b.ndim >= 2:
        return matmul(_mT(a), g)
    if a.ndim == 2 and b.ndim == 1:  # matrix @ vector
        return matmul(g, a)
    if a.ndim == 1 and b.ndim <= 2:  # vector @ matrix: an outer product; vector . vector
        return reshape(a, a.shape + (1,)) * g if b.ndim == 2 else g * a
    a2, b2, g2 = _promote(a, b, g)
    gb = matmul(_mT(a2), g2)
    return reshape(gb, gb.shape[:-1]) if b.ndim == 1 else gb


# NumPy's own ufunc: 1-D operands are promoted and batch axes broadcast exactly as in NumPy;
# the engine sums the broadcast batch axes of a cotangent back to each operand's shape.
def _matmul_aval(a, b):
    """Shape and dtype of ``a @ b`` (NumPy's rules), without computing it."""
    ash, bsh = np.shape(a), np.shape(b)
    if len(ash) == 2 == len(bsh) and ash[1] == bsh[0]:  # the common case, matrix @ matrix
        return (ash[0], bsh[1]), np.result_type(a, b)
    if not ash or not bsh or ash[-1] != bsh[-2 if len(bsh) > 1 else 0]:
        return np.shape(np.matmul(a, b)), np.result_type(a, b)  # NumPy raises its own error
    if len(bsh) == 1:
        shape = ash[:-1]
    elif len(ash) == 1:
        shape = bsh[:-2] + bsh[-1:]
    else:
        shape = np.broadcast_shapes(ash[:-2], bsh[:-2]) + (ash[-2], bsh[-1])
    return shape, np.result_type(a, b)


# ``aval``: the JVP rules never read the product, so forward mode may defer computing it.
matmul = Primitive("matmul", np.matmul, save_ans=False, aval=_matmul_aval, register=True)
matmul.defvjp(_matmul_vjp_a, _matmul_vjp_b)
matmul.defjvp(lambda t, ans, a, b: matmul(t, b), lambda t, ans, a, b: matmul(a, t))
