"""Complex specs: every primitive NumPy defines on complex numbers, on complex inputs.

Inputs are sampled complex (``Spec.complex``), so the registry test differentiates along real
and imaginary directions; holomorphic functions and the non-holomorphic ones (abs, real, imag,
conj, angle, norms, var) are both here. Branch cuts (log, sqrt, the inverse functions) lie on
the real axis: their domains keep real and imaginary parts positive.
"""

import numpy as np

import chainrule.numpy as cnp
from tests.specs.base import Spec

S = (((),), ((3,),), ((2, 3),))  # scalar, vector, matrix
_ELEMENTWISE = [
    ("exp", (-1.0, 1.0)), ("expm1", (-1.0, 1.0)), ("exp2", (-1.0, 1.0)),
    ("log", (0.5, 2.0)), ("log1p", (0.5, 2.0)), ("log2", (0.5, 2.0)), ("log10", (0.5, 2.0)),
    ("sqrt", (0.5, 2.0)), ("square", (-2.0, 2.0)),
    ("sin", (-1.0, 1.0)), ("cos", (-1.0, 1.0)), ("tan", (-0.6, 0.6)),
    ("arcsin", (0.2, 0.9)), ("arccos", (0.2, 0.9)), ("arctan", (0.2, 0.9)),
    ("sinh", (-1.0, 1.0)), ("cosh", (-1.0, 1.0)), ("tanh", (-0.6, 0.6)),
    ("arcsinh", (0.2, 0.9)), ("arccosh", (1.2, 2.0)), ("arctanh", (0.2, 0.6)),
]


def _elementwise(name, domain):
    f = getattr(np, name)
    return Spec(f"complex-{name}", f, f, S, (name,), domain=domain, complex=True)


def _complex_dtype(x):
    return np.result_type(x.dtype, np.complex64)


def _complex_of_real(x):
    return x * (1 + 2j)


SPECS = [_elementwise(n, d) for n, d in _ELEMENTWISE] + [
    # --- arithmetic, mixed real/complex ---
    Spec("complex-arith", lambda a, b: (a + b) * (a - b) / (b * b + 3.0) - (-a),
         lambda a, b: (a + b) * (a - b) / (b * b + 3.0) - (-a), (((3,), (3,)), ((2, 1), (3,))),
         ("add", "subtract", "multiply", "divide", "negative"), complex=True,
         covers=("add", "subtract", "multiply", "divide", "negative")),
    Spec("complex-power", lambda a, b: a ** b, lambda a, b: a ** b, (((3,), (3,)),),
         ("power",), domain=(0.5, 1.5), complex=True),
    Spec("complex-power-int", lambda a: a ** 3, lambda a: a ** 3, S, ("power",),
         complex=True),
    Spec("complex-reciprocal", np.reciprocal, np.reciprocal, S, ("divide",),
         domain=(0.5, 2.0), complex=True),
    Spec("complex-of-real", lambda x: np.abs(_complex_of_real(x)) ** 2,
         lambda x: np.abs(_complex_of_real(x)) ** 2, S, ("multiply", "absolute", "power"),
         covers=("multiply", "absolute", "power")),
    Spec("complex-cast", lambda x: (x.astype(_complex_dtype(x)) * (1 + 1j)).real * x,
         lambda x: (x.astype(_complex_dtype(x)) * (1 + 1j)).real * x, S, ("astype",),
         covers=("astype", "real")),
    # --- the non-holomorphic parts ---
    Spec("complex-abs", np.abs, np.abs, S, ("absolute",), complex=True),
    Spec("complex-real-imag", lambda z: np.real(z) * np.imag(z) + z.real - z.imag,
         lambda z: np.real(z) * np.imag(z) + z.real - z.imag, S, ("real", "imag"),
         complex=True, covers=("real", "imag")),
    Spec("complex-conjugate", lambda z: np.conj(z) * z.conjugate() + np.conjugate(z ** 2),
         lambda z: np.conj(z) * z.conjugate() + np.conjugate(z ** 2), S, ("conj",),
         complex=True),
    Spec("complex-sign", np.sign, np.sign, S, ("absolute", "divide"), complex=True),
    Spec("complex-angle", np.angle, np.angle, S, ("angle",), complex=True),
    Spec("complex-angle-deg", lambda z: np.angle(z, deg=True), lambda z: np.angle(z, deg=True),
         ((3,),), ("angle",), complex=True),
    Spec("complex-real_if_close", lambda z: np.real_if_close(z * 1.0) * 2.0,
         lambda z: np.real_if_close(z * 1.0) * 2.0, S, ("multiply",), complex=True),
    # --- reductions ---
    Spec("complex-sum-mean-prod", lambda z: (np.sum(z, 0), np.mean(z), np.prod(z, -1)),
         lambda z: (np.sum(z, 0), np.mean(z), np.prod(z, -1)), (((2, 3),),),
         ("sum", "prod"), complex=True, covers=("sum", "mean", "prod")),
    Spec("complex-cumulative", lambda z: (np.cumsum(z, 1), np.cumprod(z, 1)),
         lambda z: (np.cumsum(z, 1), np.cumprod(z, 1)), (((2, 3),),), ("cumsum", "cumprod"),
         complex=True, covers=("cumsum", "cumprod")),
    Spec("complex-var-std", lambda z: (np.var(z, axis=0), np.std(z, ddof=1)),
         lambda z: (np.var(z, axis=0), np.std(z, ddof=1)), (((3, 2),),), ("sum",),
         complex=True, covers=("var", "std")),
    Spec("complex-norms", lambda z: (np.linalg.norm(z), np.linalg.norm(z, axis=1),
                                     np.linalg.norm(z, 1, axis=0), np.linalg.norm(z, 3, 1),
                                     np.linalg.norm(z, "fro"), np.linalg.norm(z, np.inf)),
         lambda z: (np.linalg.norm(z), np.linalg.norm(z, axis=1),
                    np.linalg.norm(z, 1, axis=0), np.linalg.norm(z, 3, 1),
                    np.linalg.norm(z, "fro"), np.linalg.norm(z, np.inf)),
         (((2, 3),),), ("absolute",), complex=True, covers=("linalg.norm",)),
    # --- products ---
    Spec("complex-matmul", lambda a, b: a @ b, np.matmul,
         (((3, 4), (4, 2)), ((2, 3, 4), (4,))), ("matmul",), complex=True),
    Spec("complex-dot-inner-outer-vdot",
         lambda a, b: (np.dot(a, b), np.inner(a, b), np.outer(a, b), np.vdot(a, b)),
         lambda a, b: (np.dot(a, b), np.inner(a, b), np.outer(a, b), np.vdot(a, b)),
         (((3,), (3,)),), ("matmul",), complex=True,
         covers=("dot", "inner", "outer", "vdot")),
    Spec("complex-einsum-tensordot-kron",
         lambda a, b: (np.einsum("ij,jk->ik", a, b.T), np.tensordot(a, b, 2), np.kron(a, b)),
         lambda a, b: (np.einsum("ij,jk->ik", a, b.T), np.tensordot(a, b, 2), np.kron(a, b)),
         (((2, 3), (2, 3)),), ("einsum", "matmul"), complex=True,
         covers=("einsum", "tensordot", "kron")),
    Spec("complex-linalg", lambda a: (cnp.linalg.inv(a), cnp.linalg.det(a),
                                      cnp.linalg.solve(a, a[:, 0])),
         lambda a: (np.linalg.inv(a), np.linalg.det(a), np.linalg.solve(a, a[:, 0])),
         (((3, 3),),), ("inv", "det", "solve"), covers=("linalg.inv", "linalg.det", "linalg.solve"),
         sample=lambda rng, shapes: [rng.standard_normal(s) + 1j * rng.standard_normal(s)
                                     + 3 * np.eye(s[-1]) for s in shapes], complex=True),
    # --- shapes and indexing ---
    Spec("complex-shape", lambda z: np.concatenate([z.T.reshape(-1), z[0, ::-1], z[:, 1]]),
         lambda z: np.concatenate([z.T.reshape(-1), z[0, ::-1], z[:, 1]]), (((2, 3),),),
         ("transpose", "reshape", "getitem", "concatenate"), complex=True,
         covers=("transpose", "reshape", "getitem", "concatenate")),
]
