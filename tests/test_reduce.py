"""Reductions: behaviours the registry-driven specs do not express.

Axis/keepdims combinations by hypothesis against analytic gradients, the tie convention of
max/min, exact zeros in prod/cumprod (against brute-force products, to third order), method
calls and NumPy dispatch, logsumexp's stability, norms against finite differences, and errors.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import chainrule as cr
import chainrule.numpy as cnp


# --- hypothesis: shapes x axes x keepdims --------------------------------------------------
@st.composite
def reductions(draw):
    """(x with distinct entries, axis, keepdims, reduced axes as a sorted tuple)."""
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=0, max_size=3)))
    nd = len(shape)
    kind = draw(st.sampled_from(["none", "int", "tuple"] if nd else ["none"]))
    if kind == "none":
        axis, axes = None, tuple(range(nd))
    elif kind == "int":
        a = draw(st.integers(-nd, nd - 1))
        axis, axes = a, (a % nd,)
    else:
        chosen = draw(st.lists(st.integers(0, nd - 1), min_size=1, max_size=nd, unique=True))
        axis = tuple(a - nd if draw(st.booleans()) else a for a in chosen)
        axes = tuple(sorted(chosen))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape, dtype=int))
    x = ((rng.permutation(n) - n / 2) * 0.5 + rng.uniform(-0.1, 0.1, n)).reshape(shape)
    return x, axis, draw(st.booleans()), axes


def _weights(x, axis, keepdims, f):
    """A random cotangent u shaped like NumPy's result, and u with the reduced axes kept."""
    expected = f(x, axis=axis, keepdims=keepdims)
    u = np.random.default_rng(0).standard_normal(np.shape(expected))
    kept_shape = np.sum(x, axis=axis, keepdims=True).shape
    return expected, u, u.reshape(kept_shape)


def _grad_of_weighted(f, x, axis, keepdims, u):
    def weighted(x):
        return np.sum(f(x, axis=axis, keepdims=keepdims) * u)

    return cr.grad(weighted)(x)


@settings(max_examples=60, deadline=None)
@given(reductions())
def test_sum_mean_max_min_var_gradients_over_axes(case):
    x, axis, keepdims, axes = case
    n = int(np.prod([x.shape[a] for a in axes], dtype=int))
    for f in (np.sum, np.mean, np.max, np.min, np.var):
        expected, u, uk = _weights(x, axis, keepdims, f)
        value = f(cr.stop_gradient(x), axis=axis, keepdims=keepdims)
        out, tangent = cr.jvp(lambda x, f=f: f(x, axis=axis, keepdims=keepdims), (x,), (x,))
        np.testing.assert_allclose(out, expected, rtol=1e-12)
        assert np.shape(out) == np.shape(expected) == np.shape(value)
        g = _grad_of_weighted(f, x, axis, keepdims, u)
        if f is np.sum:
            analytic = np.broadcast_to(uk, x.shape)
        elif f is np.mean:
            analytic = np.broadcast_to(uk / n, x.shape)
        elif f is np.var:
            analytic = 2 * (x - x.mean(axis=axes, keepdims=True)) / n * uk
        else:  # distinct entries: the cotangent goes to the arg-extremum of each slot
            hit = x == f(x, axis=axes, keepdims=True)
            analytic = hit * uk
        np.testing.assert_allclose(g, analytic, rtol=1e-10, atol=1e-12)
        # forward mode along x itself agrees with <grad, x>
        np.testing.assert_allclose(np.sum(tangent * u), np.sum(g * x), rtol=1e-9, atol=1e-9)


@settings(max_examples=30, deadline=None)
@given(reductions())
def test_prod_and_std_match_finite_differences_over_axes(case):
    x, axis, keepdims, axes = case
    x = np.sign(x) * (0.6 + np.abs(x) / (1 + np.abs(x).max()))  # magnitudes in [0.6, 1.6]
    for f in (np.prod, np.std, cnp.logsumexp):
        _, u, _ = _weights(x, axis, keepdims, f)
        g = _grad_of_weighted(f, x, axis, keepdims, u)
        fd = cr.numerical_grad(
            lambda x, f=f, u=u: np.sum(f(x, axis=axis, keepdims=keepdims) * u), x)
        np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-7)


# --- ties --------------------------------------------------------------------------------
def test_max_ties_share_the_cotangent_equally():
    x = np.array([1.0, 3.0, 3.0])
    np.testing.assert_array_equal(cr.grad(np.max)(x), [0.0, 0.5, 0.5])
    np.testing.assert_array_equal(cr.grad(np.min)(np.array([2.0, 2.0, 2.0, 5.0])),
                                  [1 / 3, 1 / 3, 1 / 3, 0.0])
    # forward mode: the mean of the tangents over the tied entries
    _, t = cr.jvp(np.max, (x,), (np.array([10.0, 1.0, 4.0]),))
    assert t == 2.5


def test_max_ties_per_slot_with_axis():
    x = np.array([[1.0, 4.0, 4.0, 4.0], [2.0, 0.0, 2.0, -1.0]])
    g = cr.grad(lambda x: np.sum(np.max(x, axis=1) * np.array([3.0, 2.0])))(x)
    np.testing.assert_allclose(g, [[0, 1, 1, 1], [1, 0, 1, 0]])
    g = cr.grad(lambda x: np.sum(x.max(axis=0)))(np.array([[1.0, 2.0], [1.0, 3.0]]))
    np.testing.assert_allclose(g, [[0.5, 0.0], [0.5, 1.0]])


def test_ptp_ties_and_constant_input():
    g = cr.grad(np.ptp)(np.array([1.0, 5.0, 5.0, 1.0, 3.0]))
    np.testing.assert_allclose(g, [-0.5, 0.5, 0.5, -0.5, 0.0])
    # all equal: max and min both spread evenly, the contributions cancel
    np.testing.assert_allclose(cr.grad(np.ptp)(np.ones(3)), np.zeros(3))


# --- exact zeros in products ---------------------------------------------------------------
def _others(x, skip):
    """Product of the entries of x whose indices are not in ``skip``."""
    return float(np.prod([v for i, v in enumerate(x) if i not in skip]))


@pytest.mark.parametrize("x", [[2.0, 0.0, 3.0], [2.0, 0.0, 0.0, 3.0], [0.0, 0.0, 0.0],
                               [-1.5, 2.0, 0.0, 0.5], [4.0]])
def test_prod_with_zeros_matches_products_of_the_others(x):
    x = np.array(x)
    n = len(x)
    grad = np.array([_others(x, {i}) for i in range(n)])
    hess = np.array([[0.0 if i == j else _others(x, {i, j}) for j in range(n)]
                     for i in range(n)])
    np.testing.assert_allclose(cr.grad(np.prod)(x), grad)
    np.testing.assert_allclose(cr.hessian(np.prod)(x), hess)
    np.testing.assert_allclose(cr.jacobian(cr.grad(np.prod), mode="fwd")(x), hess)
    # third order: d3 prod / dx_i dx_j dx_k = product of the others for distinct i, j, k
    third = cr.jacobian(cr.hessian(np.prod))(x)
    for i, j, k in itertools.product(range(n), repeat=3):
        want = _others(x, {i, j, k}) if len({i, j, k}) == 3 else 0.0
        assert third[i, j, k] == pytest.approx(want)


def test_prod_with_zeros_along_axes_matches_brute_force():
    x = np.array([[[0.0, 2.0, 3.0], [1.5, -1.0, 0.0]],
                  [[0.5, 2.0, 0.0], [0.0, 4.0, 0.0]]])  # slots with 0, 1 and 2 zeros
    for axis, keepdims in ((2, False), ((0, 2), True), ((-1, 1), False), (None, False)):
        jac = cr.jacobian(lambda x, a=axis, k=keepdims: np.prod(x, axis=a, keepdims=k))(x)
        jf = cr.jacobian(lambda x, a=axis, k=keepdims: np.prod(x, axis=a, keepdims=k),
                         mode="fwd")(x)
        want = np.zeros_like(jac)
        red = np.prod(x, axis=axis, keepdims=keepdims)
        for i in np.ndindex(x.shape):
            # prod is affine in x_i: its derivative is prod(x_i = 1) - prod(x_i = 0)
            one, zero = x.copy(), x.copy()
            one[i], zero[i] = 1.0, 0.0
            want[(..., *i)] = (np.prod(one, axis=axis, keepdims=keepdims)
                               - np.prod(zero, axis=axis, keepdims=keepdims))
        assert jac.shape == np.shape(red) + x.shape
        np.testing.assert_allclose(jac, want, atol=1e-14)
        np.testing.assert_allclose(jf, want, atol=1e-14)


def _cumprod_jacobian(x):
    n = len(x)
    return np.array([[_others(x[: k + 1], {i}) if i <= k else 0.0 for i in range(n)]
                     for k in range(n)])


def _cumprod_hessian(x, u):
    n = len(x)
    return np.array([[sum(u[k] * _others(x[: k + 1], {i, j}) for k in range(max(i, j), n))
                      if i != j else 0.0 for j in range(n)] for i in range(n)])


@pytest.mark.parametrize("x", [[2.0, 0.0, 3.0, 4.0], [0.0, 1.5, 0.0, -2.0, 0.5],
                               [3.0, -2.0, 0.5], [0.0]])
def test_cumprod_with_zeros_matches_products_of_the_others(x):
    x = np.array(x)
    u = np.random.default_rng(1).standard_normal(len(x))
    np.testing.assert_allclose(cr.jacobian(np.cumprod)(x), _cumprod_jacobian(x), atol=1e-14)
    np.testing.assert_allclose(cr.jacobian(np.cumprod, mode="fwd")(x), _cumprod_jacobian(x),
                               atol=1e-14)
    hess = cr.hessian(lambda x: np.sum(u * np.cumprod(x)))(x)
    np.testing.assert_allclose(hess, _cumprod_hessian(x, u), atol=1e-13)


def test_cumprod_with_zeros_along_an_axis():
    x = np.array([[1.0, 0.0, 2.0], [0.0, 3.0, 0.0], [2.0, 2.0, 0.5]])
    for axis in (0, 1, -1):
        jac = cr.jacobian(lambda x, a=axis: np.cumprod(x, axis=a))(x)
        for lane in range(3):
            at = (lambda k, lane=lane: (k, lane)) if axis == 0 else (lambda k, lane=lane: (lane, k))
            block = np.array([[jac[(*at(k), *at(i))] for i in range(3)] for k in range(3)])
            np.testing.assert_allclose(block, _cumprod_jacobian(x[at(slice(None))]), atol=1e-14)
            # no derivative between different lanes
            other = [m for m in range(3) if m != lane]
            for k, i in itertools.product(range(3), range(3)):
                for m in other:
                    bt = (i, m) if axis == 0 else (m, i)
                    assert jac[(*at(k), *bt)] == 0.0


# --- running sums --------------------------------------------------------------------------
def test_cumsum_gradient_is_the_reversed_cumsum():
    u = np.array([1.0, 2.0, 3.0, 4.0])
    g = cr.grad(lambda x: np.sum(np.cumsum(x) * u))(np.zeros(4))
    np.testing.assert_allclose(g, [10.0, 9.0, 7.0, 4.0])
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(cr.grad(lambda x: np.sum(np.cumsum(x)))(x), [[6, 5, 4], [3, 2, 1]])
    np.testing.assert_allclose(cr.grad(lambda x: np.sum(x.cumsum(axis=0)))(x), [[2] * 3, [1] * 3])
    assert cr.jvp(np.cumsum, (np.array(2.0),), (np.array(1.0),))[1].shape == (1,)


# --- methods and dispatch ------------------------------------------------------------------
def test_method_calls():
    x = np.array([[1.0, 2.0, 4.0], [3.0, 0.5, 2.0]])
    np.testing.assert_allclose(cr.grad(lambda x: x.sum(axis=1)[0])(x), [[1, 1, 1], [0, 0, 0]])
    np.testing.assert_allclose(cr.grad(lambda x: x.max())(x), [[0, 0, 1], [0, 0, 0]])
    np.testing.assert_allclose(cr.grad(lambda x: x.min(axis=0).sum())(x), [[1, 0, 0], [0, 1, 1]])
    np.testing.assert_allclose(cr.grad(lambda x: x.var(ddof=1))(x),
                               2 * (x - x.mean()) / (x.size - 1))
    np.testing.assert_allclose(cr.grad(lambda x: x.mean(axis=0, keepdims=True).sum())(x),
                               np.full(x.shape, 0.5))
    np.testing.assert_allclose(cr.grad(lambda x: x.std())(x), (x - x.mean()) / (x.size * x.std()))
    np.testing.assert_allclose(cr.grad(lambda x: x.prod())(x), x.prod() / x)
    np.testing.assert_allclose(cr.grad(lambda x: x.cumprod(axis=1)[0, 2])(x),
                               [[8, 4, 2], [0, 0, 0]])


def test_numpy_dispatch_with_reshape_and_none_index():
    U = np.array([[1.0, 3.0, 2.0], [0.5, -1.0, 4.0]])
    w = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    want = w - np.array([[0, 1, 0], [0, 0, 1]]) * w.sum(axis=1, keepdims=True)
    for shifted in (lambda U: U - np.max(U, axis=1)[:, None],
                    lambda U: U - np.max(U, axis=1).reshape(-1, 1),
                    lambda U: U - np.amax(U, 1, keepdims=True)):
        np.testing.assert_allclose(cr.grad(lambda U, s=shifted: np.sum(w * s(U)))(U), want)
    # ufunc reduction methods route to the reductions
    g = cr.grad(lambda U: np.sum(np.add.reduce(U, axis=0) * np.array([1.0, 2.0, 3.0])))(U)
    np.testing.assert_allclose(g, [[1, 2, 3], [1, 2, 3]])
    g = cr.grad(lambda U: np.sum(np.maximum.reduce(U, axis=1)))(U)
    np.testing.assert_allclose(g, [[0, 1, 0], [0, 0, 1]])


def test_options_sum_initial_where_and_max_initial():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    mask = np.array([True, False])
    assert float(cnp.sum(x, initial=10.0)) == 20.0
    np.testing.assert_allclose(cr.grad(lambda x: np.sum(x, where=mask))(x), [[1, 0], [1, 0]])
    np.testing.assert_allclose(cr.grad(lambda x: np.mean(x, axis=1, where=mask).sum())(x),
                               [[1, 0], [1, 0]])
    assert float(cnp.prod(x, where=mask, initial=2.0)) == 6.0
    g = cr.grad(lambda x: np.sum(np.max(x, axis=1, initial=2.5)))(x)
    np.testing.assert_allclose(g, [[0, 0], [0, 1]])
    g = cr.grad(lambda x: np.sum(np.max(x, axis=0, where=mask, initial=-10.0)))(x)
    np.testing.assert_allclose(g, [[0, 0], [1, 0]])
    np.testing.assert_allclose(cnp.max(x, axis=0, where=mask, initial=-10.0), [3.0, -10.0])


def test_average_with_traced_weights_and_returned():
    a = np.array([[1.0, 2.0, 4.0], [3.0, 5.0, 1.0]])
    w = np.array([1.0, 2.0, 3.0])
    avg, scl = cnp.average(a, axis=1, weights=w, returned=True)
    want_avg, want_scl = np.average(a, axis=1, weights=w, returned=True)
    np.testing.assert_allclose(avg, want_avg)
    np.testing.assert_allclose(scl, want_scl)
    # d avg_i / d w_j = (a_ij - avg_i) / sum(w)
    g = cr.grad(lambda w: np.sum(np.average(a, axis=1, weights=w)))(w)
    np.testing.assert_allclose(g, ((a - want_avg[:, None]) / w.sum()).sum(axis=0))
    with pytest.raises(ZeroDivisionError):
        cr.grad(lambda w: np.average(a[0], weights=w))(np.array([1.0, -1.0, 0.0]))


# --- logsumexp ---------------------------------------------------------------------------
def test_logsumexp_is_stable_and_its_gradient_is_softmax():
    special = pytest.importorskip("scipy.special", reason="SciPy (optional) is the reference")
    x = np.array([1000.0, 1000.0, 999.0])
    value = cnp.logsumexp(x)
    assert np.isfinite(value)
    assert value == pytest.approx(special.logsumexp(x), rel=1e-15)
    g = cr.grad(cnp.logsumexp)(x)
    np.testing.assert_allclose(g, special.softmax(x), rtol=1e-14)
    assert np.all(np.isfinite(cr.grad(cnp.logsumexp)(-x)))
    x = np.array([[1000.0, -1000.0], [0.0, 1.0]])
    g = cr.grad(lambda x: np.sum(cnp.logsumexp(x, axis=1, keepdims=True)))(x)
    np.testing.assert_allclose(g, special.softmax(x, axis=1), rtol=1e-14)
    # second order: the softmax Jacobian diag(p) - p p^T
    p = special.softmax(x[1])
    np.testing.assert_allclose(cr.hessian(cnp.logsumexp)(x[1]), np.diag(p) - np.outer(p, p))


def test_logsumexp_b_sign_and_empty_slots():
    special = pytest.importorskip("scipy.special", reason="SciPy (optional) is the reference")
    a = np.array([1.0, 2.0, 3.0])
    b = np.array([1.0, -3.0, 0.5])
    value, sign = cnp.logsumexp(a, b=b, return_sign=True)
    want, want_sign = special.logsumexp(a, b=b, return_sign=True)
    assert value == pytest.approx(want) and sign == want_sign
    g = cr.grad(lambda b: cnp.logsumexp(a, b=b, return_sign=True)[0])(b)
    np.testing.assert_allclose(g, np.exp(a) / np.sum(b * np.exp(a)))
    # a slot of -inf: the result is -inf with no NaN, float32 is kept
    x = np.array([[-np.inf, -np.inf], [0.0, 0.0]], dtype=np.float32)
    out = cnp.logsumexp(x, axis=1)
    assert out.dtype == np.float32 and out[0] == -np.inf
    assert out[1] == pytest.approx(np.log(2.0))


# --- std / norm kinks ----------------------------------------------------------------------
def test_std_and_norm_at_zero_have_zero_derivative():
    np.testing.assert_array_equal(cr.grad(np.std)(np.full(3, 2.0)), np.zeros(3))
    np.testing.assert_array_equal(cr.grad(np.linalg.norm)(np.zeros(3)), np.zeros(3))
    np.testing.assert_array_equal(cr.grad(lambda x: np.linalg.norm(x, 3))(np.zeros(3)),
                                  np.zeros(3))
    g = cr.grad(lambda x: np.sum(np.std(x, axis=1)))(np.array([[1.0, 1.0], [0.0, 2.0]]))
    np.testing.assert_allclose(g, [[0.0, 0.0], [-0.5, 0.5]])


@pytest.mark.parametrize("ord", [None, 1, 2, 3, 0.5, np.inf, -np.inf, -2.5])
def test_vector_norms_match_finite_differences(ord):
    x = np.array([0.7, -1.9, 1.2, -0.4])
    assert cnp.linalg.norm(x, ord) == pytest.approx(np.linalg.norm(x, ord), rel=1e-14)
    g = cr.grad(lambda x: np.linalg.norm(x, ord))(x)
    np.testing.assert_allclose(g, cr.numerical_grad(lambda x: np.linalg.norm(x, ord), x),
                               rtol=1e-7)


@pytest.mark.parametrize("ord", [None, "fro", 1, -1, np.inf, -np.inf, 2, -2, "nuc"])
def test_matrix_norms_match_finite_differences(ord):
    x = np.array([[0.7, -1.9, 1.2], [-0.4, 2.2, 0.3]])
    assert cnp.linalg.norm(x, ord) == pytest.approx(np.linalg.norm(x, ord), rel=1e-14)
    g = cr.grad(lambda x: np.linalg.norm(x, ord))(x)
    np.testing.assert_allclose(g, cr.numerical_grad(lambda x: np.linalg.norm(x, ord), x),
                               rtol=1e-6)
    h = cr.hessian(lambda x: np.linalg.norm(x, ord))(x).reshape(6, 6)
    np.testing.assert_allclose(h, h.T, atol=1e-10)


def test_singular_value_norms_have_the_known_gradients():
    x = np.array([[2.0, 0.5, -1.0], [0.3, 1.5, 0.7]])
    u, s, vt = np.linalg.svd(x, full_matrices=False)
    np.testing.assert_allclose(cr.grad(lambda x: np.linalg.norm(x, "nuc"))(x), u @ vt)
    np.testing.assert_allclose(cr.grad(lambda x: np.linalg.norm(x, 2))(x),
                               np.outer(u[:, 0], vt[0]))
    np.testing.assert_allclose(cr.grad(lambda x: np.linalg.norm(x, -2))(x),
                               np.outer(u[:, 1], vt[1]))


def test_norm_count_is_a_constant_and_axes_keepdims():
    x = np.array([[0.0, 2.0, -1.0], [0.0, 0.0, 3.0]])
    assert float(cr.stop_gradient(cnp.linalg.norm(x, 0, axis=1)).sum()) == 3.0
    np.testing.assert_array_equal(cr.grad(lambda x: np.sum(np.linalg.norm(x, 0, axis=1)))(x),
                                  np.zeros_like(x))
    out = cnp.linalg.norm(np.ones((2, 3, 4)), axis=(2, 0), keepdims=True)
    assert out.shape == (1, 3, 1)
    np.testing.assert_allclose(out, np.linalg.norm(np.ones((2, 3, 4)), axis=(2, 0),
                                                   keepdims=True))


# --- errors -------------------------------------------------------------------------------
def test_errors_name_the_operation():
    x = np.ones((2, 3))
    for name in ("sum", "mean", "prod", "max", "min", "var", "std", "cumsum", "cumprod", "ptp"):
        with pytest.raises(TypeError, match=f"{name}\\(..., out=...\\)"):
            cr.grad(lambda x, n=name: getattr(np, n)(x, out=np.empty(3)).sum())(x)
    with pytest.raises(ValueError, match="initial"):
        cnp.max(x, where=np.array([True, False, True]))
    for f in (cnp.var, cnp.std):
        with pytest.raises(TypeError, match=f"{f.__name__}\\(..., where=...\\)"):
            f(x, where=np.array([True, False, True]))
    with pytest.raises(ValueError, match="ddof and correction"):
        cnp.var(x, ddof=1, correction=1)
    with pytest.raises(ValueError, match="Invalid norm order"):
        cnp.linalg.norm(x, "fro", axis=0)
    with pytest.raises(ValueError, match="Improper number of dimensions"):
        cnp.linalg.norm(np.ones((2, 2, 2)), 1)
    with pytest.raises(np.exceptions.AxisError):
        cr.grad(lambda x: np.sum(x, axis=2))(x)
    with pytest.raises(TypeError, match="Axis must be specified"):
        cnp.average(x, weights=np.ones(3))
