"""Specs of ``numpy.linalg.eig`` / ``eigvals`` (ops/eig.py), real and complex.

Random matrices have distinct eigenvalues almost surely (real ones: real eigenvalues and
complex-conjugate pairs). NumPy's eigenvectors have unit norm and a real largest component,
whose sign LAPACK does not keep continuous, so they enter through the sign-invariant v * v.
"""

import numpy as np

from tests.specs.base import Spec

_PRIMS = ("eig_values", "eig_vectors")


def _eig(a):
    w, v = np.linalg.eig(a)
    return w, v * v


def _real_spectrum(rng, shapes):
    """Non-symmetric with real eigenvalues 1, 2, 3, ... (real outputs)."""
    out = []
    for s in shapes:
        p = rng.standard_normal(s) + s[-1] * np.eye(s[-1])
        out.append((p * (1.0 + np.arange(s[-1]))) @ np.linalg.inv(p))
    return out


SPECS = [
    Spec("eigvals", np.linalg.eigvals, np.linalg.eigvals, (((3, 3),), ((2, 4, 4),)),
         ("eig_values",)),
    Spec("eig", _eig, _eig, (((3, 3),), ((2, 4, 4),)), _PRIMS),
    Spec("eig-real-spectrum", _eig, _eig, (((3, 3),), ((2, 3, 3),)), _PRIMS,
         sample=_real_spectrum),
    Spec("eigvals-complex", np.linalg.eigvals, np.linalg.eigvals, (((3, 3),), ((2, 3, 3),)),
         ("eig_values",), complex=True),
    Spec("eig-complex", _eig, _eig, (((3, 3),), ((2, 3, 3),)), _PRIMS, complex=True),
]
