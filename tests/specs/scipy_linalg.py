"""Specs of ``chainrule.scipy.linalg`` (empty when SciPy, an optional extra, is missing: the
primitives register only when ``chainrule.scipy.linalg`` imports, which needs SciPy).

Matrices are sampled well conditioned: R + n I for solves and matrix functions (eigenvalues
with positive real parts, so logm and sqrtm stay real and differentiable), SPD for Cholesky,
Q1 diag(1..n) Q2 for LU (pivoting happens, ties do not). Triangular solves read one triangle,
and finite differences confirm that the other one gets a zero derivative.
"""

import numpy as np

import chainrule.numpy as cnp
from tests.specs.base import Spec

try:
    import scipy.linalg as sla
except ImportError:  # the scipy extra is not installed: nothing to check
    sla = None


def _well_conditioned(rng, shape):
    return rng.standard_normal(shape) + shape[-1] * np.eye(shape[-1])


def _spd(rng, shape):
    r = rng.standard_normal(shape)
    return r @ np.swapaxes(r, -1, -2) + shape[-1] * np.eye(shape[-1])


def _pivoting(rng, shape):
    """Singular values 1..k, and rows in an order that makes partial pivoting swap them
    (rectangular shapes too: Q1 (M, k) diag(1..k) Q2 (k, N))."""
    m, n = shape[-2:]
    k = min(m, n)
    q1 = np.linalg.qr(rng.standard_normal(shape[:-2] + (m, k)))[0]
    q2 = np.swapaxes(np.linalg.qr(rng.standard_normal(shape[:-2] + (n, k)))[0], -1, -2)
    return (q1 * (1.0 + np.arange(k))) @ q2


def _lower_factor(rng, shape):
    """A Cholesky-like factor in the lower triangle, garbage above (never read)."""
    n = shape[-1]
    return rng.standard_normal(shape) + np.diag(1.0 + np.arange(n))


def _normal(rng, shape):
    return rng.standard_normal(shape)


def _real(x):
    """SciPy's own (untraced) float32 logm may be complex128; the traced one is real."""
    return np.real(x) if isinstance(x, np.ndarray) else x


def _complex(maker):
    """A sampler made complex: an imaginary part of half the size (complex specs)."""
    return lambda rng, shape: maker(rng, shape) + 0.5j * rng.standard_normal(shape)


def _stacked_lu(lib, a):
    """lu_factor of each matrix of a stack (SciPy's lu_factor takes one), stacked."""
    factors = [lib.lu_factor(a[i]) for i in range(a.shape[0])]
    return (cnp.stack([f[0] for f in factors]), np.stack([f[1] for f in factors]))


def _sample(*makers):
    return lambda rng, shapes: [m(rng, s) for m, s in zip(makers, shapes, strict=True)]


def _specs() -> list[Spec]:
    from chainrule.scipy import linalg as cla

    wc, solve_shapes = _well_conditioned, (((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (3,)),
                                           ((2, 3, 3), (2, 3, 2)), ((3, 3), (2, 3, 2)))

    def st(**kw):
        return (lambda a, b: cla.solve_triangular(a, b, **kw),
                lambda a, b: sla.solve_triangular(a, b, **kw))

    def cho(lower):
        return (lambda a, b: cla.cho_solve(cla.cho_factor(a, lower=lower), b),
                lambda a, b: sla.cho_solve(sla.cho_factor(a, lower=lower), b))

    def lus(trans):
        return (lambda a, b: cla.lu_solve(cla.lu_factor(a), b, trans=trans),
                lambda a, b: sla.lu_solve(sla.lu_factor(a), b, trans=trans))

    return [
        Spec("solve_triangular-lower", *st(lower=True), solve_shapes, ("solve_triangular",),
             sample=_sample(wc, _normal)),
        Spec("solve_triangular-upper-T", *st(trans="T"), solve_shapes[:3],
             ("solve_triangular",), sample=_sample(wc, _normal)),
        Spec("solve_triangular-lower-C-unit", *st(trans=2, lower=True, unit_diagonal=True),
             (((3, 3), (3, 2)),), ("solve_triangular",), sample=_sample(_normal, _normal)),
        Spec("solve_triangular-upper-1-unit", *st(trans=1, unit_diagonal=True),
             (((3, 3), (3,)),), ("solve_triangular",), sample=_sample(_normal, _normal)),
        Spec("cho_factor-lower", lambda a: cla.cho_factor(a, lower=True)[0],
             lambda a: sla.cho_factor(a, lower=True)[0], (((3, 3),),), ("cholesky",),
             sample=_sample(_spd)),
        Spec("cho_factor-upper", lambda a: cla.cho_factor(a)[0], lambda a: sla.cho_factor(a)[0],
             (((3, 3),), ((1, 1),)), ("cholesky",), sample=_sample(_spd)),
        Spec("cho_solve-lower", *cho(True), (((3, 3), (3,)), ((3, 3), (3, 2))),
             ("cholesky", "solve_triangular"), sample=_sample(_spd, _normal)),
        Spec("cho_solve-upper", *cho(False), (((3, 3), (3, 2)),),
             ("cholesky", "solve_triangular"), sample=_sample(_spd, _normal)),
        Spec("cho_solve-factor", lambda c, b: cla.cho_solve((c, True), b),
             lambda c, b: sla.cho_solve((c, True), b),
             (((3, 3), (3, 2)), ((2, 3, 3), (2, 3, 2)), ((2, 3, 3), (3,))),
             ("solve_triangular",), sample=_sample(_lower_factor, _normal)),
        Spec("lu_factor", lambda a: cla.lu_factor(a)[0], lambda a: sla.lu_factor(a)[0],
             (((4, 4),), ((1, 1),), ((5, 3),), ((3, 5),), ((3, 1),), ((1, 3),)),
             ("lu_factor", "solve_triangular"),
             sample=_sample(_pivoting)),
        Spec("lu_solve", *lus(0), (((4, 4), (4,)), ((3, 3), (3, 2))),
             ("lu_factor", "solve_triangular"), sample=_sample(_pivoting, _normal)),
        Spec("lu_solve-batched", lambda a, b: cla.lu_solve(_stacked_lu(cla, a), b, trans=1),
             lambda a, b: sla.lu_solve(_stacked_lu(sla, a), b, trans=1),
             (((2, 3, 3), (2, 3, 2)), ((2, 3, 3), (3, 1)), ((2, 3, 3), (3,))),
             ("lu_factor", "solve_triangular"),
             sample=_sample(_pivoting, _normal)),
        Spec("lu_solve-T", *lus(1), (((4, 4), (4, 2)),), ("lu_factor", "solve_triangular"),
             sample=_sample(_pivoting, _normal)),
        Spec("lu_solve-C", *lus(2), (((3, 3), (3,)),), ("lu_factor", "solve_triangular"),
             sample=_sample(_pivoting, _normal)),
        Spec("expm", cla.expm, sla.expm, (((3, 3),), ((2, 2, 2),), ((1, 1),)), ("expm",),
             sample=_sample(_normal)),
        # SciPy's logm returns float64/complex128 for float32 input: cast back so that the
        # float32 checks apply (the imaginary parts are rounding noise for these inputs).
        Spec("logm", lambda a: _real(cla.logm(a)).astype(a.dtype),
             lambda a: np.real(sla.logm(a)).astype(a.dtype), (((3, 3),), ((2, 2, 2),)),
             ("logm",), sample=_sample(wc)),
        Spec("sqrtm", cla.sqrtm, sla.sqrtm, (((3, 3),), ((2, 2, 2),)),
             ("sqrtm", "solve_sylvester"), sample=_sample(wc)),
        Spec("solve_sylvester", cla.solve_sylvester, sla.solve_sylvester,
             (((3, 3), (2, 2), (3, 2)), ((2, 3, 3), (2, 2, 2), (2, 3, 2))),
             ("solve_sylvester",), sample=_sample(wc, wc, _normal)),
        Spec("block_diag", cla.block_diag, sla.block_diag,
             (((2, 2), (3,), ()), ((1, 3), (2, 1))), ("concatenate",)),
        *_complex_specs(cla),
    ]


def _complex_specs(cla) -> list[Spec]:
    """Complex inputs: every rule is holomorphic with plain transposes (chainrule's
    convention), except the conjugate transposes of trans=2, differentiated through conj."""
    cwc, cn = _complex(_well_conditioned), _complex(_normal)

    def st(**kw):
        return (lambda a, b: cla.solve_triangular(a, b, **kw),
                lambda a, b: sla.solve_triangular(a, b, **kw))

    def lus(trans):
        return (lambda a, b: cla.lu_solve(cla.lu_factor(a), b, trans=trans),
                lambda a, b: sla.lu_solve(sla.lu_factor(a), b, trans=trans))

    def single(f, g):  # SciPy's logm gives complex128 for complex64: cast back
        return lambda a: f(a).astype(a.dtype), lambda a: g(a).astype(a.dtype)

    return [
        Spec("complex-solve_triangular", *st(lower=True), (((3, 3), (3, 2)), ((2, 3, 3), (3,))),
             ("solve_triangular",), sample=_sample(cwc, cn), complex=True),
        Spec("complex-solve_triangular-C", *st(trans="C"), (((3, 3), (3, 2)),),
             ("solve_triangular", "conj"), sample=_sample(cwc, cn), complex=True),
        Spec("complex-solve_triangular-T-unit", *st(trans=1, lower=True, unit_diagonal=True),
             (((3, 3), (3,)),), ("solve_triangular",), sample=_sample(cn, cn), complex=True),
        Spec("complex-cho_solve-factor", lambda c, b: cla.cho_solve((c, True), b),
             lambda c, b: sla.cho_solve((c, True), b), (((3, 3), (3, 2)),),
             ("solve_triangular", "conj"), sample=_sample(_complex(_lower_factor), cn),
             complex=True),
        Spec("complex-lu_factor", lambda a: cla.lu_factor(a)[0], lambda a: sla.lu_factor(a)[0],
             (((3, 3),),), ("lu_factor", "solve_triangular"),
             sample=_sample(_complex(_pivoting)), complex=True),
        Spec("complex-lu_solve", *lus(0), (((3, 3), (3,)),), ("lu_factor", "solve_triangular"),
             sample=_sample(_complex(_pivoting), cn), complex=True),
        Spec("complex-lu_solve-C", *lus(2), (((3, 3), (3, 2)),),
             ("lu_factor", "solve_triangular", "conj"), sample=_sample(_complex(_pivoting), cn),
             complex=True),
        Spec("complex-expm", cla.expm, sla.expm, (((3, 3),), ((2, 2, 2),)), ("expm",),
             sample=_sample(cn), complex=True),
        Spec("complex-logm", *single(cla.logm, sla.logm), (((3, 3),),), ("logm",),
             sample=_sample(cwc), complex=True),
        Spec("complex-sqrtm", cla.sqrtm, sla.sqrtm, (((3, 3),),),
             ("sqrtm", "solve_sylvester"), sample=_sample(cwc), complex=True),
        Spec("complex-solve_sylvester", cla.solve_sylvester, sla.solve_sylvester,
             (((3, 3), (2, 2), (3, 2)),), ("solve_sylvester",), sample=_sample(cwc, cwc, cn),
             complex=True),
        Spec("complex-block_diag", cla.block_diag, sla.block_diag, (((2, 2), (3,)),),
             ("concatenate",), complex=True),
    ]


SPECS = [] if sla is None else _specs()
