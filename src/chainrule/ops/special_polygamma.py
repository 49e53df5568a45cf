"""polygamma(n, z) of complex z, which ``scipy.special.polygamma`` does not compute.

chainrule needs it for the derivatives of psi (digamma) at complex points, hence for the second
derivative of gamma, rgamma and loggamma there: psi^(n)' = psi^(n+1). It is the Hurwitz zeta
function of integer argument (DLMF 25.11.12):

    psi^(n)(z) = (-1)^(n+1) n! zeta(n + 1, z),   n >= 1,

and zeta(s, z) comes from the Euler-Maclaurin formula (DLMF 2.10.1, 25.11.5 as in Johansson
2015, "Rigorous high-precision computation of the Hurwitz zeta function"): with w = z + N,

    zeta(s, z) = sum_{k<N} (z + k)^(-s) + w^(1-s) / (s - 1) + w^(-s) / 2
                 + sum_{j=1..M} B_2j / (2j)! * s (s+1) ... (s+2j-2) * w^(-s-2j+1) + R,

where N shifts every point to Re w >= 15 + n, so that M = 12 Bernoulli terms leave |R| below
double rounding for the small orders derivatives use. It runs on NumPy arrays only (no Array API
function computes it).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.special as sc

__all__ = ["polygamma_complex"]

_TERMS = 12
_B = sc.bernoulli(2 * _TERMS)  # B_0 .. B_24


def _hurwitz_zeta(s: int, z: np.ndarray) -> np.ndarray:
    """zeta(s, z) for an integer s >= 2 and complex z (not at a pole 0, -1, -2, ...)."""
    shift = np.maximum(0.0, np.ceil(15.0 + s - z.real))
    total = np.zeros_like(z)
    for k in range(int(shift.max(initial=0.0))):
        total += np.where(k < shift, (z + k) ** -s, 0.0)
    w = z + shift
    total += w ** (1 - s) / (s - 1) + 0.5 * w ** -s
    rising = float(s)  # s (s+1) ... (s+2j-2)
    power = w ** -(s + 1)  # w^(-s-2j+1) at j = 1
    inverse_square = w ** -2
    for j in range(1, _TERMS + 1):
        total += _B[2 * j] / math.factorial(2 * j) * rising * power
        rising *= (s + 2 * j - 1) * (s + 2 * j)
        power = power * inverse_square
    return total


def polygamma_complex(n: Any, z: Any) -> np.ndarray:
    """psi^(n)(z) for integer orders n >= 1 and complex z, in the dtype of z.

    Example:
        >>> import math
        >>> import numpy as np
        >>> v = polygamma_complex(1, np.complex128(1.0))  # pi^2 / 6
        >>> bool(abs(v - math.pi ** 2 / 6) < 1e-15)
        True
    """
    z = np.asarray(z)
    n = np.asarray(n)
    shape = np.broadcast_shapes(n.shape, z.shape)
    n, wide = np.broadcast_to(n, shape), np.broadcast_to(z.astype(np.complex128), shape)
    out = np.empty(shape, dtype=np.complex128)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for order in np.unique(n):
            if order < 1 or order != int(order):
                raise ValueError(f"polygamma of complex z: the order n must be an integer >= 1 "
                                 f"(given {order})")
            at = n == order
            m = int(order)
            out[at] = (-1) ** (m + 1) * math.factorial(m) * _hurwitz_zeta(m + 1, wide[at])
    return out.astype(z.dtype)[()]
