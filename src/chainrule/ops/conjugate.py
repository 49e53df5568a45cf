"""Conjugation helpers for rules that cover real and complex matrices with one formula.

The decompositions of complex matrices (svd, eigh, cholesky, qr, pinv) are not holomorphic:
their rules are written once with the conjugate transpose ``mH`` in the "standard" gradient
``G_s = dL/du + i dL/dv``, and turned into chainrule's convention (the cotangent is
``conj(G_s)``, ops/complex.py) by conjugating the cotangent on the way in and the result on the
way out: ``A_bar = cj(standard_vjp(cj(g)))``. For real values ``cj`` is the identity and adds
nothing to the graph, so the real rules are unchanged.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.backend import dtype_kind as kind
from chainrule.ops.complex import conj, real
from chainrule.ops.matmul import _mT


def is_complex(x: Any) -> bool:
    """Whether ``x`` (array or traced value) has a complex dtype.

    Example:
        >>> is_complex(np.ones(2) * 1j), is_complex(np.ones(2))
        (True, False)
    """
    dt = getattr(x, "dtype", None)
    if dt is None or isinstance(dt, np.dtype):
        return np.result_type(x if dt is None else dt).kind == "c"
    return kind(x) == "c"  # another library's dtype


def cj(x: Any) -> Any:
    """``conj(x)`` for complex ``x``; ``x`` itself otherwise.

    Example:
        >>> cj(np.array([1 + 2j])).tolist(), cj(np.array([3.0])).tolist()
        ([(1-2j)], [3.0])
    """
    return conj(x) if is_complex(x) else x


def mH(x: Any) -> Any:
    """The conjugate transpose of a stack of matrices (the transpose for real ones).

    Example:
        >>> mH(np.array([[1j, 2.0]])).tolist()
        [[-1j], [(2-0j)]]
    """
    return cj(_mT(x))


def re(x: Any) -> Any:
    """The real part for complex ``x``; ``x`` itself otherwise.

    Example:
        >>> re(np.array([1 + 2j])).tolist()
        [1.0]
    """
    return real(x) if is_complex(x) else x
