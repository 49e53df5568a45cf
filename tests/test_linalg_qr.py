"""numpy.linalg.qr on traced values: analytic derivatives, conventions and errors."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp

RNG = np.random.default_rng(5)


def test_r_diagonal_gradient_is_the_column_norm_gradient():
    a = RNG.standard_normal((4, 3))
    r00 = np.linalg.qr(a)[1][0, 0]
    g = cr.grad(lambda x: np.linalg.qr(x, mode="r")[0, 0])(a)
    expect = np.zeros_like(a)
    expect[:, 0] = a[:, 0] / r00  # |R00| = norm of the first column, R00 carries the sign
    np.testing.assert_allclose(g, expect, atol=1e-12)


def test_logabsdet_through_r_is_inverse_transpose():
    a = RNG.standard_normal((2, 3, 3))
    g = cr.grad(lambda x: np.sum(np.log(np.abs(np.diagonal(np.linalg.qr(x)[1], 0, -2, -1)))))(a)
    np.testing.assert_allclose(g, np.swapaxes(np.linalg.inv(a), -1, -2), atol=1e-10)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4)])
def test_q_stays_orthogonal_and_r_triangular_along_any_tangent(shape):
    a, d = RNG.standard_normal((2, *shape))
    for mode in ("reduced", "complete"):
        (q, r), (dq, dr) = cr.jvp(lambda x, m=mode: tuple(cnp.linalg.qr(x, mode=m)), (a,), (d,))
        omega = q.T @ dq
        np.testing.assert_allclose(omega, -omega.T, atol=1e-12)
        np.testing.assert_allclose(np.tril(dr, -1), 0, atol=1e-12)
        np.testing.assert_allclose(dq @ r + q @ dr, d, atol=1e-12)  # d(QR) = dA
        if mode == "complete" and shape[0] > shape[1]:
            np.testing.assert_allclose(omega[shape[1]:, shape[1]:], 0, atol=1e-12)


def test_dependent_columns_raise():
    a = np.array([[1.0, 2.0, 0.0], [2.0, 4.0, 1.0], [3.0, 6.0, 2.0]])
    with pytest.raises(np.linalg.LinAlgError, match="linearly dependent"):
        cr.grad(lambda x: np.sum(np.linalg.qr(x)[0]))(a)


@pytest.mark.parametrize("mode", ["raw", "economic", "full"])
def test_modes_without_derivative_raise_on_traced_input(mode):
    with pytest.raises(ValueError, match=f"mode='{mode}'"):
        cr.grad(lambda x: np.sum(np.linalg.qr(x, mode=mode)[0]))(np.eye(2))


def test_untraced_is_numpy():
    a = RNG.standard_normal((3, 2))
    np.testing.assert_array_equal(cnp.linalg.qr(a, mode="r"), np.linalg.qr(a, mode="r"))
    np.testing.assert_array_equal(cnp.linalg.qr(a, mode="raw")[0], np.linalg.qr(a, "raw")[0])
