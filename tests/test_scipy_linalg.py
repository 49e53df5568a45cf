"""Focused checks of ``chainrule.scipy.linalg``: closed-form derivatives, which entries of a
packed/triangular input carry a derivative, and the errors (the registry test in
tests/test_ops.py checks every function against finite differences to second order)."""

import os
import subprocess
import sys

import numpy as np
import pytest

import chainrule as cr

sla = pytest.importorskip("scipy.linalg")
from chainrule.scipy import linalg as cla  # noqa: E402

RNG = np.random.default_rng(7)
A3 = RNG.standard_normal((3, 3)) + 3 * np.eye(3)
SPD = A3 @ A3.T + np.eye(3)
B3 = RNG.standard_normal((3, 2))


@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("unit", [True, False])
def test_solve_triangular_gradient_lives_on_the_triangle_read(lower, unit):
    g = cr.grad(lambda a: cla.solve_triangular(a, B3, lower=lower, unit_diagonal=unit).sum())(A3)
    k = -1 if unit else 0
    read = np.tri(3, 3, k, dtype=bool) if lower else ~np.tri(3, 3, -k - 1, dtype=bool)
    assert np.all(g[~read] == 0.0) and np.all(g[read] != 0.0)
    # against the dense formula on the triangle: A_bar = -A^-T 1 X^T
    t = np.where(read, A3, 0.0) + (np.eye(3) if unit else 0.0)
    x = np.linalg.solve(t, B3)
    np.testing.assert_allclose(g, np.where(read, -np.linalg.solve(t.T, np.ones((3, 2))) @ x.T,
                                           0.0), rtol=1e-12)


def test_solve_triangular_rejects_unknown_trans():
    with pytest.raises(ValueError, match="trans must be"):
        cr.grad(lambda b: cla.solve_triangular(A3, b, trans="X").sum())(B3)


def test_cho_factor_other_triangle_is_a_and_scipys():
    for low in (True, False):
        c = cr.jvp(lambda a, low=low: cla.cho_factor(a, lower=low)[0], (SPD,), (SPD,))[0]
        ref = sla.cho_factor(SPD, lower=low)[0]
        np.testing.assert_allclose(c, ref, rtol=1e-13)
        other = np.triu(np.ones((3, 3), bool), 1) if low else np.tril(np.ones((3, 3), bool), -1)
        np.testing.assert_array_equal(c[other], SPD[other])


def test_cho_factor_derivative_of_the_other_triangle_is_the_identity_there():
    # d c[0, 2] / d a for lower=True: c[0, 2] is a[0, 2] (unreferenced by LAPACK)
    g = cr.grad(lambda a: cla.cho_factor(a, lower=True)[0][0, 2])(SPD)
    expected = np.zeros((3, 3))
    expected[0, 2] = 1.0
    np.testing.assert_array_equal(g, expected)


def test_cho_factor_factor_gradient_matches_symmetric_cholesky():
    # lower=True reads the lower triangle, as numpy's cholesky does: the same function of a,
    # so the same (lower-triangular) gradient
    w = RNG.standard_normal((3, 3))
    g = cr.grad(lambda a: (np.tril(cla.cho_factor(a, lower=True)[0]) * w).sum())(SPD)
    l_bar = cr.grad(lambda a: (np.linalg.cholesky(a) * w).sum())(SPD)
    assert np.all(np.triu(l_bar, 1) == 0.0)
    np.testing.assert_allclose(g, l_bar, rtol=1e-12)


def test_cho_solve_never_reads_the_other_triangle():
    c, lower = sla.cho_factor(SPD, lower=True)
    g = cr.grad(lambda c: cla.cho_solve((c, True), B3).sum())(c)
    assert np.all(np.triu(g, 1) == 0.0)
    x = cr.grad(lambda b: cla.cho_solve((c, lower), b).sum())(B3)
    np.testing.assert_allclose(x, np.linalg.solve(SPD, np.ones((3, 2))), rtol=1e-12)


def test_lu_factor_pivots_and_packed_derivative():
    a = np.array([[1.0, 2.0, 0.5], [4.0, 1.0, 2.0], [2.0, 3.0, 5.0]])
    lu_ref, piv_ref = sla.lu_factor(a)
    pivots = []

    def packed(a):
        lu, piv = cla.lu_factor(a)
        pivots.append(piv)
        return lu

    lu_traced = cr.jvp(packed, (a,), (a,))
    np.testing.assert_array_equal(pivots[0], piv_ref)
    np.testing.assert_allclose(lu_traced[0], lu_ref, rtol=1e-14)
    # A -> s A scales U and leaves L: d(lu)/ds = triu(lu) at s = 1
    np.testing.assert_allclose(lu_traced[1], np.triu(lu_ref), atol=1e-14)
    with pytest.raises(ValueError, match="one matrix"):
        cr.grad(lambda a: cla.lu_factor(a)[0].sum())(np.ones((2, 2, 2)))


@pytest.mark.parametrize("shape", [(4, 2), (2, 4)])
def test_rectangular_lu_factor_reconstructs(shape):
    # P L U = A for the traced factors, and a direction that keeps the pivots (A -> A + s A)
    # scales U only: d(lu)/ds = triu(lu)
    a = RNG.standard_normal(shape)
    lu_ref, piv = sla.lu_factor(a)
    lu, dlu = cr.jvp(lambda a: cla.lu_factor(a)[0], (a,), (a,))
    np.testing.assert_allclose(lu, lu_ref, rtol=1e-14)
    np.testing.assert_allclose(dlu, np.triu(lu_ref), atol=1e-13)


def test_lu_solve_is_solve():
    g = cr.grad(lambda a: (cla.lu_solve(cla.lu_factor(a), B3) ** 2).sum())(A3)
    ref = cr.grad(lambda a: (np.linalg.solve(a, B3) ** 2).sum())(A3)
    np.testing.assert_allclose(g, ref, rtol=1e-11)
    with pytest.raises(ValueError, match="trans must be 0, 1 or 2"):
        cr.grad(lambda b: cla.lu_solve(sla.lu_factor(A3), b, trans="T").sum())(B3)


def test_expm_closed_forms():
    a = RNG.standard_normal((3, 3))
    # d/ds expm(s A) at s = 1 is A expm(A); grad of trace(expm(A)) is expm(A)^T
    t = cr.jvp(lambda s: cla.expm(s * a), (1.0,), (1.0,))[1]
    np.testing.assert_allclose(t, a @ sla.expm(a), rtol=1e-12)
    g = cr.grad(lambda x: np.trace(cla.expm(x)))(a)
    np.testing.assert_allclose(g, sla.expm(a).T, rtol=1e-12)
    # second order: d2/ds2 trace(expm(s A)) = trace(A^2 expm(s A))
    h = cr.grad(cr.grad(lambda s: np.trace(cla.expm(s * a))))(1.0)
    np.testing.assert_allclose(h, np.trace(a @ a @ sla.expm(a)), rtol=1e-10)


def test_logm_and_sqrtm_closed_forms():
    g = cr.grad(lambda x: np.trace(cla.logm(x)))(SPD)  # d tr log A = A^-T
    np.testing.assert_allclose(g, np.linalg.inv(SPD).T, rtol=1e-9)
    g = cr.grad(lambda x: np.trace(cla.sqrtm(x)))(SPD)  # d tr A^(1/2) = A^(-1/2)^T / 2
    np.testing.assert_allclose(g, 0.5 * np.linalg.inv(sla.sqrtm(SPD)).T, rtol=1e-10)


@pytest.mark.filterwarnings("ignore")  # SciPy's own warnings about the singular input
@pytest.mark.parametrize("f", [cla.logm, cla.sqrtm])
def test_singular_matrix_functions_raise_when_differentiated(f):
    singular = np.array([[1.0, 0.0], [0.0, 0.0]])
    with pytest.raises(ValueError, match="singular"):
        cr.grad(lambda x: f(x + 0.0).sum())(singular)
    with pytest.raises(ValueError, match="singular"):
        cr.jvp(f, (singular,), (np.eye(2),))


def test_nearly_singular_logm_is_still_differentiable():
    # d tr log A = A^-T, here 1e7 for the small eigenvalue; off the diagonal, the divided
    # difference (log 1 - log 1e-7) / (1 - 1e-7) of the Frechet derivative
    g = cr.grad(lambda x: cla.logm(x).sum())(np.diag([1.0, 1e-7]))
    off = -np.log(1e-7) / (1.0 - 1e-7)
    np.testing.assert_allclose(g, [[1.0, off], [off, 1e7]], rtol=1e-8)


def test_logm_options():
    with pytest.raises(TypeError, match="disp=False"):
        cr.grad(lambda x: cla.logm(x, disp=False).sum())(SPD)


def test_solve_sylvester_against_kronecker_form():
    a, b, q = A3, RNG.standard_normal((2, 2)) + 3 * np.eye(2), B3
    # vec(A X + X B) = (I kron A + B^T kron I) vec(X) (column-major vec)
    k = np.kron(np.eye(2), a) + np.kron(b.T, np.eye(3))
    w = RNG.standard_normal((3, 2))
    g = cr.grad(lambda q: (cla.solve_sylvester(a, b, q) * w).sum())(q)
    np.testing.assert_allclose(g.ravel("F"), np.linalg.solve(k.T, w.ravel("F")), rtol=1e-12)


def test_block_diag_values_and_gradients():
    def f(x, y):
        return cla.block_diag(x, y, 3.0)

    x, y = np.ones((2, 2), np.float32), np.arange(3.0)
    out = cr.jvp(f, (x, y), (x, y))[0]
    np.testing.assert_array_equal(out, sla.block_diag(x, y, 3.0))
    assert out.dtype == np.float64
    gx, gy = cr.grad(lambda x, y: (f(x, y) * np.arange(24.0).reshape(4, 6)).sum(),
                     argnums=(0, 1))(x, y)
    np.testing.assert_array_equal(gx, [[0.0, 1.0], [6.0, 7.0]])
    np.testing.assert_array_equal(gy, [14.0, 15.0, 16.0])
    assert gx.dtype == np.float32
    with pytest.raises(ValueError, match="more than 2"):
        cr.grad(lambda x: cla.block_diag(x).sum())(np.ones((1, 1, 1)))


def test_complex_cho_factor_has_no_rule_yet_but_cho_solve_does():
    z = SPD + 0.5j * (A3 - A3.T)  # Hermitian positive definite
    with pytest.raises(NotImplementedError, match="complex Hermitian"):
        cr.grad(lambda a: np.real(cla.cho_factor(a)[0]).sum())(z)
    c = sla.cho_factor(z, lower=True)
    bc = B3 + 1j * B3[::-1]
    x = cr.jvp(lambda b: cla.cho_solve(c, b), (bc,), (bc,))
    np.testing.assert_allclose(x[0], np.linalg.solve(z, bc), rtol=1e-12)
    np.testing.assert_allclose(x[1], np.linalg.solve(z, bc), rtol=1e-12)  # linear in b


def test_nothing_registers_without_scipy():
    """Without SciPy (an optional extra) these primitives are not registered and their spec
    modules are empty, so the registry test's coverage check balances either way."""
    code = """
import sys
class NoScipy:
    def find_spec(self, name, path=None, target=None):
        if name == "scipy" or name.startswith("scipy."):
            raise ModuleNotFoundError(name)
sys.meta_path.insert(0, NoScipy())
import chainrule.numpy, chainrule.scipy
from chainrule.primitive import REGISTRY
from tests.specs import integrate, scipy_linalg
assert integrate.SPECS == [] and scipy_linalg.SPECS == []
print(" ".join(sorted(REGISTRY)))
for name in ("linalg", "integrate"):
    try:
        __import__("chainrule.scipy." + name)
    except ImportError:
        print(name, "needs scipy")
"""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(root, "src"), root]))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env=env, cwd=root)
    assert done.returncode == 0, done.stderr
    registered, *messages = done.stdout.splitlines()
    ours = {"solve_triangular", "lu_factor", "expm", "logm", "sqrtm", "solve_sylvester",
            "odeint"}
    assert not ours & set(registered.split())
    assert messages == ["linalg needs scipy", "integrate needs scipy"]
