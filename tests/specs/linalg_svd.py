"""Specs of ``numpy.linalg.svd`` / ``svdvals`` (ops/svd.py).

Inputs are standard normal (distinct, nonzero singular values almost surely). Singular vector
signs are arbitrary, so vectors enter through sign-invariant quantities: U * U, Vh * Vh, the
projector U2 U2^T on the extra columns of ``full_matrices=True``, and U diag(S) Vh.
"""

import numpy as np

from tests.specs.base import Spec

_PRIMS = ("svd_values", "svd_u", "svd_vh")
_MATRICES = (((3, 3),), ((4, 3),), ((3, 4),), ((2, 4, 3),), ((2, 1, 3, 3),))


def _normal(rng, shapes):
    return [rng.standard_normal(s) for s in shapes]


def _mT(x):
    return np.swapaxes(x, -1, -2)


def _thin(a):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    return u * u, s, vh * vh


def _full(a):
    u, s, vh = np.linalg.svd(a)
    k = s.shape[-1]
    u1, u2, vh1, vh2 = u[..., :k], u[..., k:], vh[..., :k, :], vh[..., k:, :]
    return u1 * u1, u2 @ _mT(u2), s, vh1 * vh1, _mT(vh2) @ vh2


def _rebuild(a):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    paired = np.sum(u[..., 0, :] * vh[..., :, 0], axis=-1)  # sign-invariant: u_i v_i pairs
    return (u * s[..., None, :]) @ vh, paired


def _hermitian(a):
    u, s, vh = np.linalg.svd(a, hermitian=True)
    return u * u, s, vh * vh


SPECS = [
    Spec("svd-thin", _thin, _thin, _MATRICES, _PRIMS, sample=_normal),
    Spec("svd-full", _full, _full, (((4, 3),), ((3, 4),), ((2, 4, 2),)), _PRIMS,
         sample=_normal),
    Spec("svd-rebuild", _rebuild, _rebuild, (((4, 3),), ((2, 3, 4),)), _PRIMS, sample=_normal),
    Spec("svd-values", lambda a: np.linalg.svd(a, compute_uv=False),
         lambda a: np.linalg.svd(a, compute_uv=False), _MATRICES, _PRIMS, sample=_normal),
    Spec("svdvals", np.linalg.svdvals, np.linalg.svdvals, (((4, 3),), ((2, 3, 4),)), _PRIMS,
         sample=_normal),
    # hermitian=True reads the lower triangle: non-symmetric inputs, compared with NumPy
    Spec("svd-hermitian", _hermitian, _hermitian, (((3, 3),), ((2, 4, 4),)), _PRIMS,
         sample=_normal),
    Spec("svd-hermitian-values", lambda a: np.linalg.svd(a, compute_uv=False, hermitian=True),
         lambda a: np.linalg.svd(a, compute_uv=False, hermitian=True), (((3, 3),),), _PRIMS,
         sample=_normal),
]


# complex matrices: each pair (u_i, v_i) has a free common phase, so vectors enter as |u|^2
def _thin_complex(a):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    return np.abs(u) ** 2, s, np.abs(vh) ** 2


def _full_complex(a):
    u, s, vh = np.linalg.svd(a)
    k = s.shape[-1]
    u2, vh2 = u[..., k:], vh[..., k:, :]
    return u2 @ np.conj(_mT(u2)), np.conj(_mT(vh2)) @ vh2, _rebuild(a)[0]


def _hermitian_complex(a):
    u, s, vh = np.linalg.svd(a, hermitian=True)
    return np.abs(u) ** 2, s, np.abs(vh) ** 2


SPECS += [
    Spec("svd-thin-complex", _thin_complex, _thin_complex, (((3, 3),), ((4, 3),), ((2, 3, 4),)),
         _PRIMS, complex=True),
    Spec("svd-full-complex", _full_complex, _full_complex, (((4, 3),), ((2, 3, 4),)), _PRIMS,
         complex=True),
    Spec("svd-rebuild-complex", _rebuild, _rebuild, (((4, 3),),), _PRIMS, complex=True),
    Spec("svdvals-complex", np.linalg.svdvals, np.linalg.svdvals, (((4, 3),), ((2, 3, 3),)),
         _PRIMS, complex=True),
    Spec("svd-hermitian-complex", _hermitian_complex, _hermitian_complex, (((3, 3),),), _PRIMS,
         complex=True),
]
