"""Focused checks of the NumPy functions added for issue 10 (item 4): analytic values, the
conventions at ties and kinks, clear errors, and the regressions (linspace recursion, the
derivative of x**0 at 0, silent zero derivatives of unique/full_like/histogram/bincount)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp


# --- regression: linspace / logspace / geomspace with traced endpoints -------------------------
def test_linspace_traced_endpoints_no_recursion():
    f = lambda a, b: np.linspace(a, b, 5)  # noqa: E731
    out = f(0.0, 1.0)
    np.testing.assert_array_equal(cr.jvp(f, (0.0, 1.0), (0.0, 0.0))[0], out)
    ga, gb = cr.grad(lambda a, b: (f(a, b) * np.arange(5.0)).sum(), argnums=(0, 1))(0.0, 1.0)
    # sample i = a + (b - a) i / 4: d/da sum(i * s_i) = sum(i (1 - i/4)) = 2.5, d/db = 7.5
    assert (float(ga), float(gb)) == (2.5, 7.5)


def test_linspace_options():
    a, b = np.array([0.0, 1.0]), np.array([2.0, 5.0])
    y, step = cr.jvp(lambda a, b: np.linspace(a, b, 4, endpoint=False, retstep=True, axis=1),
                     (a, b), (np.ones(2), np.zeros(2)))[1]
    np.testing.assert_allclose(y, [[1.0, 0.75, 0.5, 0.25]] * 2)
    np.testing.assert_allclose(step, [-0.25, -0.25])
    # an integer dtype floors the samples: piecewise constant, a constant result
    out = cr.jvp(lambda a: np.linspace(a, 9.0, 4, dtype=int), (0.5,), (1.0,))
    np.testing.assert_array_equal(out[0], np.linspace(0.5, 9.0, 4, dtype=int))
    assert not np.any(out[1])


def test_logspace_and_geomspace_derivatives():
    g = cr.grad(lambda s: np.logspace(0.0, s, 3)[-1])(2.0)
    assert g == pytest.approx(100.0 * math.log(10.0))
    g = cr.grad(lambda a: np.geomspace(a, 16.0, 3)[1])(4.0)  # sqrt(16 a)
    assert g == pytest.approx(1.0)
    g = cr.grad(lambda a: np.geomspace(-a, -16.0, 3)[1])(4.0)  # -sqrt(16 a)
    assert g == pytest.approx(-1.0)
    with pytest.raises(ValueError, match="zero"):
        cr.grad(lambda a: np.geomspace(a, 1.0, 3).sum())(0.0)


# --- regression: d/dx x**0 at 0 ---------------------------------------------------------------
def test_power_zero_exponent_at_zero():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no 0 * inf on the way
        assert cr.grad(lambda x: x**0)(0.0) == 0.0
        assert cr.grad(lambda x: x**0.0)(0.0) == 0.0
        assert cr.grad(lambda x: np.power(x, np.float32(0)))(np.float32(0)) == 0.0
        assert cr.jvp(lambda x: x**0, (0.0,), (1.0,))[1] == 0.0
        assert cr.hessian(lambda x: x**1)(0.0) == 0.0
        assert cr.hessian(lambda x: x**2)(0.0) == 2.0
        assert cr.grad(cr.grad(cr.grad(lambda x: x**2)))(0.0) == 0.0
        y = np.array([0.0, 1.0, 2.0])
        np.testing.assert_array_equal(cr.grad(lambda x: (x**y).sum())(np.zeros(3)), [0, 1, 0])
        np.testing.assert_array_equal(cr.hessian(lambda x: (x**y).sum())(np.zeros(3)),
                                      np.diag([0.0, 0.0, 2.0]))


def test_power_traced_exponent_at_zero_base():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gx, gy = cr.grad(lambda x, y: (x**y).sum(), argnums=(0, 1))(np.zeros(3),
                                                                    np.array([0.0, 1.0, 2.0]))
    np.testing.assert_array_equal(gx, [0.0, 1.0, 0.0])
    np.testing.assert_array_equal(gy, [0.0, 0.0, 0.0])  # x**y log x -> 0 (log 0 is not used)


# --- regression: no silent zero derivatives -------------------------------------------------
def test_unique_values_are_differentiated_first_occurrence_convention():
    x = np.array([3.0, 1.0, 3.0, 2.0])
    f = lambda x: (np.unique(x) * np.array([1.0, 10.0, 100.0])).sum()  # noqa: E731
    np.testing.assert_array_equal(cr.grad(f)(x), [100.0, 1.0, 0.0, 10.0])  # tie: first 3
    values, index, inverse, counts = cr.jvp(
        lambda x: np.unique(x, return_index=True, return_inverse=True, return_counts=True),
        (x,), (np.ones(4),))[0]
    expected = np.unique(x, return_index=True, return_inverse=True, return_counts=True)
    for got, want in zip((values, index, inverse, counts), expected, strict=True):
        np.testing.assert_array_equal(got, want)


def test_full_like_and_full_with_traced_fill():
    np.testing.assert_array_equal(cr.grad(lambda x: np.full_like(x, x[0]).sum())(np.ones(3)),
                                  [3.0, 0.0, 0.0])
    assert cr.grad(lambda v: cnp.full((2, 3), v).sum())(1.0) == 6.0
    # the template's values do not matter: a constant fill gives a constant
    out, t = cr.jvp(lambda x: np.full_like(x, 7.0), (np.ones(2),), (np.ones(2),))
    np.testing.assert_array_equal(out, [7.0, 7.0])
    assert not np.any(t)
    # np.full converts its fill value before any dispatch: it raises rather than drop it
    with pytest.raises(TypeError):
        cr.grad(lambda v: np.full(3, v).sum())(1.0)


def test_histogram_and_bincount_weights():
    a = np.array([0.1, 0.2, 0.9, 0.5])
    f = lambda w: np.histogram(a, bins=2, range=(0, 1), weights=w)[0]  # noqa: E731
    np.testing.assert_array_equal(cr.jacobian(f)(np.ones(4)), [[1, 1, 0, 0], [0, 0, 1, 1]])
    f = lambda w: np.bincount([0, 2, 2], weights=w, minlength=4)  # noqa: E731
    np.testing.assert_array_equal(cr.jacobian(f)(np.ones(3)),
                                  [[1, 0, 0], [0, 0, 0], [0, 1, 1], [0, 0, 0]])
    # sample positions are piecewise constant: the counts and edges are constants
    counts, edges = cr.jvp(lambda a: np.histogram(a, bins=3), (a,), (np.ones(4),))[0]
    np.testing.assert_array_equal(counts, np.histogram(a, bins=3)[0])
    np.testing.assert_array_equal(edges, np.histogram(a, bins=3)[1])


def test_meshgrid_mixed_constant_and_traced():
    gx, gy = cr.jvp(lambda x: np.meshgrid(x, np.arange(3.0)), (np.zeros(2),), (np.ones(2),))[1]
    np.testing.assert_array_equal(gx, np.ones((3, 2)))
    assert not np.any(gy)


# --- integer casts ----------------------------------------------------------------------------
@pytest.mark.parametrize("cast", [
    lambda x: np.int64(x[:, -1]),
    lambda x: np.intp(x[0, 0]),
    lambda x: np.asarray(x, dtype=int),
    lambda x: np.array(x, dtype=np.int32),
    lambda x: np.bool_(x),
])
def test_integer_casts_of_traced_values_are_constants(cast):
    x = np.array([[1.5, 2.5], [3.5, -4.5]])
    out, t = cr.jvp(lambda x: (x * cast(x)).sum(), (x,), (np.ones_like(x),))
    assert out == pytest.approx((x * cast(x)).sum())
    assert t == pytest.approx(np.broadcast_to(cast(x), x.shape).sum())  # d/dx sum(x * c)


@pytest.mark.parametrize("convert", [
    float, int, complex, lambda x: np.asarray(x), lambda x: np.asarray(x, dtype=float),
    lambda x: np.float64(x), lambda x: x.item(),
])
def test_float_conversions_of_traced_values_still_raise(convert):
    with pytest.raises(TypeError, match="drop its derivative"):
        cr.grad(lambda x: x * convert(x))(1.5)


# --- r_ / c_ ----------------------------------------------------------------------------------
def test_index_tricks():
    x = np.array([1.0, 2.0])
    with pytest.raises(TypeError, match="drop its derivative"):
        cr.grad(lambda x: np.r_[x, x].sum())(x)  # np.r_ converts its entries itself
    g = cr.grad(lambda x: (cnp.r_[x, 0:2, 3.0, x[:1]] ** 2).sum())(x)
    np.testing.assert_array_equal(g, [4.0, 4.0])
    np.testing.assert_array_equal(cr.jvp(lambda x: cnp.c_[x, 2 * x], (x,), (x,))[0],
                                  np.c_[x, 2 * x])
    with pytest.raises(ValueError, match="directive"):
        cr.grad(lambda x: cnp.r_["r", x].sum())(x)


# --- order statistics: conventions at ties, options, errors ----------------------------------
def test_median_ties():
    np.testing.assert_array_equal(cr.grad(np.median)(np.array([1.0, 2.0, 2.0, 3.0])),
                                  [0.0, 0.5, 0.5, 0.0])  # differentiable: both 2s are used
    # odd count, tied middle: the derivative of one side (the first 2 in stable order)
    np.testing.assert_array_equal(cr.grad(np.median)(np.array([2.0, 1.0, 2.0])), [1, 0, 0])
    assert np.isnan(cr.jvp(np.median, (np.array([1.0, np.nan]),), (np.ones(2),))[0])


def test_partition_follows_numpy_arrangement():
    x = np.array([5.0, 1.0, 4.0, 2.0, 3.0])
    out = cr.jvp(lambda x: np.partition(x, 2), (x,), (np.arange(5.0),))
    np.testing.assert_array_equal(out[0], np.partition(x, 2))
    np.testing.assert_array_equal(out[1], np.argpartition(x, 2))


def test_quantile_traced_q_and_methods():
    a = np.array([4.0, 1.0, 3.0, 2.0])
    # linear: index q (n - 1) = 3q between sorted values: d/dq = (b - a) * 3
    assert cr.grad(lambda q: np.quantile(a, q))(0.5) == pytest.approx(3.0)
    for method in ("lower", "higher", "nearest", "midpoint", "linear"):
        for q in (0.0, 0.2, 0.5, 0.9, 1.0):
            got = cr.jvp(lambda a, q=q, m=method: np.quantile(a, q, method=m), (a,), (a,))[0]
            assert got == np.quantile(a, q, method=method), (method, q)
    with pytest.raises(ValueError, match="weibull"):
        cr.grad(lambda a: np.quantile(a, 0.5, method="weibull"))(a)
    with pytest.raises(TypeError, match="weights"):
        cr.grad(lambda a: np.quantile(a, 0.5, method="inverted_cdf", weights=a))(a)
    with pytest.raises(ValueError, match="range"):
        cr.grad(lambda a: np.percentile(a, 150))(a)


def test_nan_reductions_ignore_nans():
    x = np.array([[1.0, np.nan, 3.0], [np.nan, np.nan, np.nan]])
    with pytest.warns(RuntimeWarning):
        out, back = cr.vjp(lambda x: np.nanmean(x, axis=1), x)
    assert out[0] == 2.0 and np.isnan(out[1])
    np.testing.assert_array_equal(back(np.array([1.0, 0.0]))[0], [[0.5, 0, 0.5], [0, 0, 0]])
    with pytest.warns(RuntimeWarning):
        assert np.isnan(cr.jvp(lambda x: np.nanmax(x, axis=1), (x,), (x,))[0][1])
    np.testing.assert_array_equal(cr.grad(lambda x: np.nanmedian(x[0]))(x),
                                  [[0.5, 0, 0.5], [0, 0, 0]])


# --- sinc, interp, gradient, cross ------------------------------------------------------------
def test_sinc_derivatives_at_zero():
    assert cr.grad(np.sinc)(0.0) == 0.0
    assert cr.grad(cr.grad(np.sinc))(0.0) == pytest.approx(-math.pi**2 / 3)
    d4 = cr.grad(cr.grad(cr.grad(cr.grad(np.sinc))))(0.0)
    assert d4 == pytest.approx(math.pi**4 / 5)
    assert cr.jvp(np.sinc, (0.0,), (1.0,)) == (1.0, 0.0)


def test_interp_conventions():
    xp, fp = np.array([0.0, 1.0, 3.0]), np.array([0.0, 2.0, 3.0])
    assert cr.grad(lambda x: np.interp(x, xp, fp))(1.0) == 0.5  # the segment to the right
    assert cr.grad(lambda x: np.interp(x, xp, fp))(3.0) == 0.5  # last knot: to the left
    assert cr.grad(lambda x: np.interp(x, xp, fp))(4.0) == 0.0  # outside: fp[-1]
    gxp = cr.grad(lambda xp: np.interp(2.0, xp, fp))(xp)
    cr.check_grad(lambda xp: np.interp(2.0, xp, fp), xp)
    assert gxp[0] == 0.0 and gxp[1] != 0.0


def test_gradient_traced_uniform_coordinates_use_the_general_formula():
    f, x = np.sin(np.arange(5.0)), np.arange(5.0)
    out = cr.jvp(lambda x: np.gradient(f, x, edge_order=2), (x,), (np.zeros(5),))[0]
    np.testing.assert_allclose(out, np.gradient(f, x, edge_order=2), rtol=1e-12)
    cr.check_grad(lambda x: np.gradient(f, x, edge_order=2), x)  # moves the spacing too
    with pytest.raises(ValueError, match="too small"):
        cr.grad(lambda f: np.gradient(f, edge_order=2).sum())(np.ones(2))


def test_deprecated_forms_warn_like_numpy():
    a, b = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    with pytest.warns(DeprecationWarning):
        assert cr.jvp(lambda a: np.cross(a, b), (a,), (a,))[0] == np.cross(a, b)
    with pytest.warns(DeprecationWarning):
        cr.jvp(lambda a: np.row_stack([a, b]), (a,), (a,))


def test_average_returned_with_traced_weights_and_ptp():
    a, w = np.array([1.0, 2.0, 4.0]), np.array([1.0, 1.0, 2.0])
    avg, scl = cr.jvp(lambda w: np.average(a, weights=w, returned=True), (w,), (np.eye(3)[2],))[1]
    # avg = sum(a w) / sum(w): d/dw2 = (a2 - avg) / sum(w) = (4 - 11/4) / 4
    assert avg == pytest.approx((4.0 - 11.0 / 4.0) / 4.0) and scl == 1.0
    np.testing.assert_array_equal(cr.grad(np.ptp)(np.array([3.0, -1.0, 2.0])), [1, -1, 0])


def test_complex_values_are_not_silently_dropped():
    z = np.array([1.0 + 2.0j, 3.0 - 1.0j])
    with pytest.raises(TypeError, match="complex"):
        cr.grad(lambda w: np.bincount([0, 1], weights=w).real.sum())(z)
    with pytest.raises(TypeError, match="real numbers"):
        cr.grad(lambda a: np.quantile(a, 0.5).real)(z)
    out = cr.jvp(lambda fp: np.interp(0.5, [0.0, 1.0], fp), (z,), (z,))[0]
    assert out == np.interp(0.5, [0.0, 1.0], z)


def test_nan_to_num_defaults():
    x = np.array([np.nan, np.inf, -np.inf, 2.0], dtype=np.float32)
    out, t = cr.jvp(np.nan_to_num, (x,), (np.ones(4, np.float32),))
    np.testing.assert_array_equal(out, np.nan_to_num(x))
    np.testing.assert_array_equal(t, [0, 0, 0, 1])
    assert out.dtype == t.dtype == np.float32


def test_histogram_traced_edges():
    a = np.array([0.5, 1.5, 1.6, 2.5])
    bins = np.array([0.0, 1.0, 3.0])
    hist, edges = cr.jvp(lambda b: np.histogram(a, bins=b, density=True), (bins,), (bins,))[0]
    np.testing.assert_allclose(hist, np.histogram(a, bins=bins, density=True)[0])
    np.testing.assert_array_equal(edges, bins)
    cr.check_grad(lambda b: np.histogram(a, bins=b, density=True)[0], bins)
    np.testing.assert_array_equal(cr.grad(lambda b: np.histogram(a, bins=b)[1].sum())(bins),
                                  [1.0, 1.0, 1.0])
    # range: NumPy builds the edges with np.linspace, which differentiates them
    assert cr.grad(lambda r: np.histogram(a, bins=2, range=(0.0, r))[1].sum())(3.0) == 1.5
