"""Specs of the one-triangle decompositions on NON-symmetric input: eigh, eigvalsh, cholesky
read one triangle, and their derivatives are those of what NumPy computes (issue 10).

Inputs are SPD (Hermitian PD) matrices plus a small non-symmetric perturbation, so the triangle
read is still positive definite with well separated eigenvalues. Complex variants included;
eigenvectors enter through the phase-invariant |v|^2.
"""

import numpy as np

from tests.specs.base import Spec


def _perturbed_spd(rng, shapes):
    out = []
    for s in shapes:
        q = np.linalg.qr(rng.standard_normal(s))[0]
        spd = (q * (1.0 + 2.0 * np.arange(s[-1]))) @ np.swapaxes(q, -1, -2)
        out.append(spd + 0.1 * rng.standard_normal(s))
    return out


def _perturbed_hpd(rng, shapes):
    out = []
    for s in shapes:
        z = rng.standard_normal(s) + 1j * rng.standard_normal(s)
        q = np.linalg.qr(z)[0]
        hpd = (q * (1.0 + 2.0 * np.arange(s[-1]))) @ np.conj(np.swapaxes(q, -1, -2))
        out.append(hpd + 0.1 * (rng.standard_normal(s) + 1j * rng.standard_normal(s)))
    return out


def _eigh(uplo):
    def f(a):
        w, v = np.linalg.eigh(a, UPLO=uplo)
        return w, np.abs(v) ** 2
    return f


_SHAPES = (((3, 3),), ((2, 3, 3),))
SPECS = []
for _kind, _sample, _cplx in (("", _perturbed_spd, False), ("-complex", _perturbed_hpd, True)):
    SPECS += [
        Spec(f"eigh-nonsymmetric{_kind}", _eigh("L"), _eigh("L"), _SHAPES,
             ("eigvalsh", "eigh_vectors"), sample=_sample, complex=_cplx),
        Spec(f"eigh-upper-nonsymmetric{_kind}", _eigh("U"), _eigh("U"), _SHAPES[:1],
             ("eigvalsh", "eigh_vectors"), sample=_sample, complex=_cplx),
        Spec(f"eigvalsh-nonsymmetric{_kind}", np.linalg.eigvalsh, np.linalg.eigvalsh, _SHAPES,
             ("eigvalsh",), sample=_sample, complex=_cplx),
        Spec(f"cholesky-nonsymmetric{_kind}", np.linalg.cholesky, np.linalg.cholesky, _SHAPES,
             ("cholesky",), sample=_sample, complex=_cplx),
        Spec(f"cholesky-upper-nonsymmetric{_kind}", lambda a: np.linalg.cholesky(a, upper=True),
             lambda a: np.linalg.cholesky(a, upper=True), _SHAPES[:1], ("cholesky",),
             sample=_sample, complex=_cplx),
    ]
