"""chainrule.scipy.special beyond the registry specs: known derivative values, the conventions
at special points (0 log 0), constant arguments refusing traced values, SciPy's ufuncs reached
through NumPy's dispatch without importing chainrule.scipy, and logsumexp's options."""

import math
import os
import subprocess
import sys

import numpy as np
import pytest

sc = pytest.importorskip("scipy.special", reason="chainrule.scipy.special needs SciPy")

import chainrule as cr  # noqa: E402
from chainrule.scipy import special as csp  # noqa: E402

EULER = 0.5772156649015329
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _run(code: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(ROOT, "src"), ROOT]))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env=env, cwd=ROOT)


# --- known values -----------------------------------------------------------------------------
def test_known_derivatives():
    assert cr.grad(sc.erf)(0.0) == pytest.approx(2 / math.sqrt(math.pi), rel=1e-15)
    assert cr.grad(sc.erfinv)(0.0) == pytest.approx(math.sqrt(math.pi) / 2, rel=1e-15)
    assert cr.grad(sc.gamma)(1.0) == pytest.approx(-EULER, rel=1e-14)
    assert cr.grad(sc.gammaln)(1.0) == pytest.approx(-EULER, rel=1e-14)
    assert cr.grad(sc.digamma)(1.0) == pytest.approx(math.pi ** 2 / 6, rel=1e-14)
    # polygamma(1, x)' = polygamma(2, 1) = -2 zeta(3); two levels deeper in both modes.
    zeta3 = 1.2020569031595942
    assert cr.grad(lambda x: csp.polygamma(1, x))(1.0) == pytest.approx(-2 * zeta3, rel=1e-13)
    assert cr.hessian(sc.digamma)(1.0) == pytest.approx(-2 * zeta3, rel=1e-13)
    assert cr.grad(sc.expit)(0.0) == 0.25
    assert cr.grad(sc.logit)(0.25) == pytest.approx(1 / (0.25 * 0.75), rel=1e-15)
    # Bessel recurrences: j0' = -j1, i0' = i1, k0' = -k1 exactly; j1'(0) = 1/2.
    x = np.array([0.5, 1.5, 3.0])
    np.testing.assert_allclose(cr.elementwise_grad(sc.j0)(x), -sc.j1(x), rtol=1e-15)
    np.testing.assert_allclose(cr.elementwise_grad(sc.i0)(x), sc.i1(x), rtol=1e-15)
    np.testing.assert_allclose(cr.elementwise_grad(sc.k0)(x), -sc.k1(x), rtol=1e-15)
    assert cr.grad(sc.j1)(0.0) == 0.5


def test_incomplete_functions_in_x_are_densities():
    a, x = 2.5, np.array([0.3, 1.0, 4.0])
    density = x ** (a - 1) * np.exp(-x) / math.gamma(a)
    np.testing.assert_allclose(cr.elementwise_grad(lambda x: sc.gammainc(a, x))(x), density,
                               rtol=1e-13)
    np.testing.assert_allclose(cr.elementwise_grad(lambda x: sc.gammaincc(a, x))(x), -density,
                               rtol=1e-13)
    p, q, u = 2.0, 3.0, np.array([0.2, 0.5, 0.9])
    beta_density = u ** (p - 1) * (1 - u) ** (q - 1) / sc.beta(p, q)
    np.testing.assert_allclose(cr.elementwise_grad(lambda u: sc.betainc(p, q, u))(u),
                               beta_density, rtol=1e-13)
    # a = 1 at x = 0: the density is exp(0) = 1 (not 0 * log 0 = nan).
    assert cr.grad(lambda x: sc.gammainc(1.0, x))(0.0) == 1.0


def test_xlogy_at_zero():
    y = np.array([0.5, 2.0])
    x = np.zeros(2)
    for mode in ("rev", "fwd"):
        dx = cr.jacobian(lambda x: sc.xlogy(x, y), mode=mode)(x).diagonal()
        np.testing.assert_array_equal(dx, np.log(y))
        dy = cr.jacobian(lambda y: sc.xlogy(x, y), mode=mode)(y).diagonal()
        np.testing.assert_array_equal(dy, np.zeros(2))
    # At x = y = 0: d/dx = log 0 = -inf, d/dy = 0 (the convention's 0 / 0).
    with np.errstate(divide="ignore"):
        assert cr.grad(sc.xlogy)(0.0, 0.0) == -np.inf
    assert cr.grad(sc.xlogy, argnums=1)(0.0, 0.0) == 0.0
    # The mixed second derivative d2/dxdy = 1/y at x = 0.
    h = cr.hessian(lambda v: sc.xlogy(v[0], v[1]))(np.array([0.0, 2.0]))
    assert h[0, 1] == h[1, 0] == 0.5
    assert cr.grad(lambda x: sc.xlog1py(x, 1.0))(0.0) == pytest.approx(math.log(2.0))
    assert float(sc.entr(cr.stop_gradient(0.0))) == 0.0


def test_ive_derivative_has_the_sign_term():
    x = np.array([-2.0, -0.5, 0.7, 3.0])
    expected = 0.5 * (sc.ive(0, x) + sc.ive(2, x)) - np.sign(x) * sc.ive(1, x)
    np.testing.assert_allclose(cr.elementwise_grad(lambda x: sc.ive(1, x))(x), expected,
                               rtol=1e-14)
    np.testing.assert_allclose(cr.elementwise_grad(lambda x: sc.iv(1, x))(x),
                               0.5 * (sc.iv(0, x) + sc.iv(2, x)), rtol=1e-14)


def test_array_of_orders():
    orders = np.array([0.0, 1.0, 2.5])
    x = np.array([[0.5, 1.0, 2.0], [3.0, 1.5, 0.8]])
    cr.check_grad(lambda x: sc.jv(orders, x), x)
    cr.check_grad(lambda x: sc.yn([0, 1, 3], x), x)
    out = cr.jvp(lambda x: sc.jv(orders, x), (x,), (np.ones_like(x),))[0]
    np.testing.assert_array_equal(out, sc.jv(orders, x))


def test_gammasgn_is_a_constant():
    x = np.array([-1.5, -0.5, 2.0])
    np.testing.assert_array_equal(cr.elementwise_grad(sc.gammasgn)(x), np.zeros(3))
    np.testing.assert_allclose(
        cr.elementwise_grad(lambda x: sc.gammasgn(x) * sc.gamma(x))(x),
        np.abs(sc.gamma(x)) * sc.digamma(x), rtol=1e-14)


def test_float32_in_float32_out():
    x = np.array([0.5, 1.5], dtype=np.float32)
    for f in (sc.erf, sc.gammaln, sc.digamma, lambda x: sc.yn(2, x),
              lambda x: csp.polygamma(1, x), lambda x: csp.logsumexp(x)):
        value, tangent = cr.jvp(f, (x,), (np.ones_like(x),))
        assert value.dtype == tangent.dtype == np.float32
        assert cr.grad(lambda x, f=f: f(x).sum())(x).dtype == np.float32


# --- refusing what has no derivative ---------------------------------------------------------
@pytest.mark.parametrize(("call", "words"), [
    (lambda v: sc.jv(v, 1.0), "jv: no derivative with respect to the order"),
    (lambda n: sc.yn(n, 1.0), "yn: no derivative with respect to the order"),
    (lambda v: sc.iv(v, 1.0), "iv: no derivative with respect to the order"),
    (lambda n: csp.polygamma(n, 1.0), "polygamma: no derivative with respect to the order n"),
    (lambda d: csp.multigammaln(np.array(3.0), d), "the dimension d"),
])
def test_constant_arguments_refuse_traced_values(call, words):
    with pytest.raises(TypeError, match=words) as info:
        cr.grad(call)(2.0)
    assert "traced float64 scalar" in str(info.value)


def test_multigammaln_traced_d_with_traced_a():
    with pytest.raises(TypeError, match="the dimension d"):
        cr.grad(lambda a: csp.multigammaln(a, a))(3.0)


def test_ufunc_options_on_traced_values_are_refused():
    with pytest.raises(TypeError, match=r"erf: the keyword arguments \['where'\]"):
        cr.grad(lambda x: csp.erf(x, where=True))(1.0)
    with pytest.raises(TypeError, match="out=...") as info:
        cr.grad(lambda x: sc.erf(x, out=np.empty(())))(1.0)
    assert "lose the derivative" in str(info.value)


def test_complex_traced_values_are_refused_where_scipy_is_real():
    # SciPy's erfinv and yn take no complex arguments (erf, ive and the others that do are in
    # tests/test_special_complex.py).
    with pytest.raises(TypeError, match="for real arguments only"):
        cr.grad(lambda x: sc.erfinv(x * (1 + 1j)).real)(0.5)
    with pytest.raises(TypeError, match="yn: chainrule differentiates it for real arguments"):
        cr.grad(lambda x: sc.yn(1, x * (1 + 1j)).real)(1.0)


def test_an_unsupported_scipy_ufunc_is_named():
    with pytest.raises(TypeError, match=r"scipy\.special\.zeta has no derivative rule"):
        cr.grad(lambda x: sc.zeta(x, 2.0))(3.0)


def test_scipy_non_ufuncs_refuse_traced_values():
    # scipy.special.logsumexp converts with np.asarray: the derivative cannot be kept.
    with pytest.raises(TypeError, match="would silently drop its derivative"):
        cr.grad(lambda x: sc.logsumexp(x))(np.ones(3))


# --- dispatch and imports --------------------------------------------------------------------
def test_scipy_ufuncs_dispatch_without_importing_chainrule_scipy():
    done = _run(
        "import sys, scipy.special, chainrule as cr\n"
        "assert 'chainrule.scipy.special' not in sys.modules\n"
        "print(cr.grad(lambda x: scipy.special.erf(x) + scipy.special.jn(1, x))(0.0))\n"
        "assert 'chainrule.scipy.special' in sys.modules\n"
    )
    assert done.returncode == 0, done.stderr
    assert float(done.stdout) == pytest.approx(2 / math.sqrt(math.pi) + 0.5, rel=1e-15)


def test_import_chainrule_does_not_import_scipy():
    done = _run("import sys, chainrule, chainrule.numpy\nassert 'scipy' not in sys.modules\n")
    assert done.returncode == 0, done.stderr


_WITHOUT_SCIPY = """
import sys
class NoScipy:
    def find_spec(self, name, path=None, target=None):
        if name == "scipy" or name.startswith("scipy."):
            raise ModuleNotFoundError(name)
sys.meta_path.insert(0, NoScipy())
"""


def test_registry_is_consistent_without_scipy():
    """Without SciPy the special-function primitives are not registered and their spec modules
    are empty, so the registry test's coverage check still balances."""
    done = _run(_WITHOUT_SCIPY + (
        "import chainrule.numpy\n"
        "from chainrule.primitive import REGISTRY\n"
        "from tests.specs import special_bessel, special_composed, special_error, "
        "special_gamma, special_incomplete\n"
        "for m in (special_bessel, special_composed, special_error, special_gamma, "
        "special_incomplete):\n"
        "    assert m.SPECS == [], m\n"
        "print(' '.join(sorted(REGISTRY)))\n"
        "try:\n"
        "    import chainrule.scipy.special\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    ))
    assert done.returncode == 0, done.stderr
    registered, message = done.stdout.splitlines()
    from chainrule.primitive import REGISTRY
    from tests.specs import special_bessel, special_error, special_gamma, special_incomplete

    special = {p for m in (special_bessel, special_error, special_gamma, special_incomplete)
               for s in m.SPECS for p in s.prims}
    # other SciPy-only primitives this process may have registered (chainrule.scipy.linalg,
    # .integrate), which need SciPy just the same
    other = {n for n, p in REGISTRY.items() if getattr(p.impl, "__module__", "") in (
        "chainrule.ops.triangular", "chainrule.ops.matrix_functions", "chainrule.ops.ode_adjoint")}
    assert set(registered.split()) == set(REGISTRY) - special - other
    assert "pip install 'chainrule[scipy]'" in message


# --- logsumexp, softmax, log_softmax ---------------------------------------------------------
def test_logsumexp_values_are_scipys():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(3, 4)) * 3
    a[1, 2] = a[1, 1] = a[1].max() + 1  # a tie at the maximum
    b = rng.uniform(-0.3, 1.0, size=(3, 4))
    b[0, 1] = 0.0
    cases = [{}, {"axis": 0}, {"axis": (0, 1), "keepdims": True}, {"b": b},
             {"b": b, "axis": 1, "return_sign": True}, {"axis": -1, "keepdims": True}]
    for options in cases:
        expected = sc.logsumexp(a, **options)
        got = cr.jvp(lambda a, o=options: csp.logsumexp(a, **o), (a,), (a,))[0]
        for g, e in zip(np.atleast_1d(got), np.atleast_1d(expected), strict=True):
            np.testing.assert_array_equal(g, e)
    # A 0-d input, and -inf entries (SciPy's direct fallback).
    assert csp.logsumexp(cr.stop_gradient(1.5)) == sc.logsumexp(1.5)
    minus_inf = np.array([-np.inf, -np.inf])
    assert cr.jvp(csp.logsumexp, (minus_inf,), (np.ones(2),))[0] == -np.inf


def test_logsumexp_derivatives():
    a = np.array([0.3, -1.0, 2.0])
    b = np.array([0.5, 0.0, 2.0])
    weights = b * np.exp(a) / np.sum(b * np.exp(a))
    np.testing.assert_allclose(cr.grad(lambda a: csp.logsumexp(a, b=b))(a), weights,
                               rtol=1e-15)
    # d/db_i = exp(a_i) / S, also where b_i = 0.
    np.testing.assert_allclose(cr.grad(lambda b: csp.logsumexp(a, b=b))(b),
                               np.exp(a) / np.sum(b * np.exp(a)), rtol=1e-15)
    # return_sign: log|S| with S < 0, and the sign a constant.
    bneg = np.array([-1.0, 0.5, -2.0])
    out, sign = csp.logsumexp(cr.stop_gradient(a), b=bneg, return_sign=True)
    assert sign == -1.0
    g = cr.grad(lambda a: csp.logsumexp(a, b=bneg, return_sign=True)[0])(a)
    np.testing.assert_allclose(g, bneg * np.exp(a) / np.sum(bneg * np.exp(a)), rtol=1e-14)
    cr.check_grad(lambda a, b: csp.logsumexp(a, axis=1, b=b, keepdims=True),
                  np.array([[0.1, 0.2, -0.3], [1.0, -2.0, 0.5]]), np.full((2, 3), 0.7))


def test_softmax_and_log_softmax_match_scipy():
    x = np.array([[1.0, 0.5, 0.2, 3.0], [1.0, -1.0, 7.0, 3.0], [2.0, 12.0, 13.0, 3.0]])
    for axis in (None, 0, 1):
        for ours, theirs in ((csp.softmax, sc.softmax), (csp.log_softmax, sc.log_softmax)):
            got = cr.jvp(lambda x, ax=axis, f=ours: f(x, axis=ax), (x,), (x,))[0]
            np.testing.assert_array_equal(got, theirs(x, axis=axis))
    big = np.array([1000.0, 1.0])
    np.testing.assert_array_equal(cr.grad(lambda x: csp.log_softmax(x)[1])(big), [-1.0, 1.0])
