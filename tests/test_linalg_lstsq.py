"""numpy.linalg.pinv and lstsq on traced values: analytic values, rank deficiency, errors."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp

RNG = np.random.default_rng(11)


def test_residual_gradient_in_b_is_twice_the_residual():
    a, b = RNG.standard_normal((6, 3)), RNG.standard_normal(6)
    x, res, rank, s = cnp.linalg.lstsq(a, b)
    assert rank == 3 and res.shape == (1,)
    r = b - a @ x
    np.testing.assert_allclose(cr.grad(lambda v: np.linalg.lstsq(a, v)[1][0])(b), 2 * r,
                               atol=1e-12)
    # in a: d||r||^2 = -2 r x^T (x is optimal, so only the explicit dependence counts)
    np.testing.assert_allclose(cr.grad(lambda m: np.linalg.lstsq(m, b)[1][0])(a),
                               -2 * np.outer(r, x), atol=1e-12)


def test_pinv_of_full_column_rank_matches_normal_equations_gradient():
    a, w = RNG.standard_normal((2, 5, 3))
    w = w.T

    def via_normal(m):
        return np.sum(np.linalg.solve(m.T @ m, m.T) * w)

    np.testing.assert_allclose(cr.grad(lambda m: np.sum(np.linalg.pinv(m) * w))(a),
                               cr.grad(via_normal)(a), atol=1e-10)


def _rank_two_path(shape=(5, 4)):
    b, db = RNG.standard_normal((2, shape[0], 2))
    c, dc = RNG.standard_normal((2, 2, shape[1]))
    return (lambda t: (b + t * db) @ (c + t * dc)), db @ c + b @ dc


@pytest.mark.parametrize("order", [1, 2])
def test_rank_deficient_pinv_along_a_rank_preserving_path(order):
    path, direction = _rank_two_path()
    eps = 1e-4

    def along(t):
        return np.linalg.pinv(path(t), rtol=1e-10)

    def deriv(t):  # chainrule's directional derivative along the path's tangent at t
        a = path(t)
        d = (path(t + 1e-7) - path(t - 1e-7)) / 2e-7 if order == 2 else direction
        return cr.jvp(lambda m: cnp.linalg.pinv(m, rtol=1e-10), (a,), (d,))[1]

    if order == 1:
        fd = (along(eps) - along(-eps)) / (2 * eps)
        np.testing.assert_allclose(deriv(0.0), fd, rtol=1e-6, atol=1e-7)
    else:  # the derivative along the path is itself smooth in t (constant rank 2)
        assert np.linalg.matrix_rank(path(0.3)) == 2
        np.testing.assert_allclose(deriv(0.3), (along(0.3 + eps) - along(0.3 - eps)) / (2 * eps),
                                   rtol=1e-5, atol=1e-6)


def test_rank_deficient_lstsq_along_a_rank_preserving_path():
    path, direction = _rank_two_path()
    b = RNG.standard_normal(5)
    x, _, rank, _ = cnp.linalg.lstsq(path(0.0), b)
    assert rank == 2
    _, dx = cr.jvp(lambda m: cnp.linalg.lstsq(m, b)[0], (path(0.0),), (direction,))
    eps = 1e-5
    fd = (np.linalg.lstsq(path(eps), b)[0] - np.linalg.lstsq(path(-eps), b)[0]) / (2 * eps)
    np.testing.assert_allclose(dx, fd, rtol=1e-6, atol=1e-7)


def test_lstsq_returns_numpy_values_and_constant_rank():
    a, b = RNG.standard_normal((4, 3)), RNG.standard_normal((4, 2))
    seen = {}

    def f(m):
        x, res, rank, s = cnp.linalg.lstsq(m, b)
        seen["rank"] = rank
        return x, res, s

    x, res, s = cr.jvp(f, (a,), (np.ones_like(a),))[0]
    want = np.linalg.lstsq(a, b)
    assert seen["rank"] == 3 and isinstance(seen["rank"], int | np.integer)
    np.testing.assert_allclose(res, want[1], rtol=1e-14)
    np.testing.assert_array_equal(x, want[0])
    np.testing.assert_array_equal(s, want[3])
    wide = cnp.linalg.lstsq(cr.stop_gradient(a.T), b[:3])
    assert wide[1].shape == (0,) and wide[2] == 3


def test_errors_like_numpy():
    with pytest.raises(ValueError, match="can't be both set"):
        cr.grad(lambda m: np.linalg.pinv(m, rcond=1e-3, rtol=1e-3).sum())(np.eye(2))
    with pytest.raises(np.linalg.LinAlgError, match="two-dimensional"):
        cr.grad(lambda m: np.linalg.pinv(m).sum())(np.ones(3))
    with pytest.raises(np.linalg.LinAlgError):
        cr.grad(lambda m: np.linalg.lstsq(m, np.ones(2))[0].sum())(np.ones((2, 2, 2)))


def test_a_cutoff_that_drops_nonzero_singular_values_raises():
    a = np.diag([3.0, 1.0])
    with pytest.raises(np.linalg.LinAlgError, match="discards singular values that are not"):
        cr.grad(lambda m: np.linalg.pinv(m, rtol=0.5).sum())(a)
    with pytest.raises(np.linalg.LinAlgError, match="lstsq: the cutoff"):
        cr.grad(lambda m: np.linalg.lstsq(m, np.ones(2), rcond=0.5)[0].sum())(a)
    # exact zeros are fine: the rank-1 derivative, e.g. along A[1, 0] = e:
    # pinv([[3, 0], [e, 0]]) = [[3, e], [0, 0]] / (9 + e^2), whose sum has slope 1/9
    g = cr.grad(lambda m: np.linalg.pinv(m, rtol=0.5).sum())(np.diag([3.0, 0.0]))
    np.testing.assert_allclose(g, [[-1 / 9, 1 / 9], [1 / 9, 0.0]], atol=1e-12)
