"""cond, tensorsolve, tensorinv, vector_norm, matrix_norm, matrix_rank, matrix_power."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp

RNG = np.random.default_rng(13)


def test_cond_2_gradient_of_a_diagonal_matrix():
    # cond = s1 / s3 for diag(4, 2, 1): d/ds1 = 1 / s3, d/ds3 = -s1 / s3^2
    g = cr.grad(np.linalg.cond)(np.diag([4.0, 2.0, 1.0]))
    np.testing.assert_allclose(g, np.diag([1.0, 0.0, -4.0]), atol=1e-12)
    g = cr.grad(lambda x: np.linalg.cond(x, -2))(np.diag([4.0, 2.0, 1.0]))
    np.testing.assert_allclose(g, np.diag([-1 / 16, 0.0, 0.25]), atol=1e-12)


def test_cond_fro_is_the_product_of_norms():
    a = RNG.standard_normal((3, 3)) + 3 * np.eye(3)
    g = cr.grad(lambda x: np.linalg.cond(x, "fro"))(a)
    want = cr.grad(lambda x: np.linalg.norm(x) * np.linalg.norm(np.linalg.inv(x)))(a)
    np.testing.assert_allclose(g, want, rtol=1e-12)


@pytest.mark.parametrize("p", [1, "fro", np.inf])
def test_cond_of_a_singular_matrix_raises(p):
    with pytest.raises(np.linalg.LinAlgError, match="singular"):
        cr.grad(lambda x: np.linalg.cond(x, p))(np.array([[1.0, 2.0], [2.0, 4.0]]))
    with pytest.raises(np.linalg.LinAlgError, match="singular"):
        cr.grad(np.linalg.cond)(np.array([[1.0, 0.0], [0.0, 0.0]]))


def test_tensorsolve_and_tensorinv_agree_with_their_matrix_forms():
    a = RNG.standard_normal((6, 6)) + 6 * np.eye(6)
    b = RNG.standard_normal((2, 3))
    g = cr.grad(lambda x: np.sum(np.linalg.tensorsolve(x, b) ** 2))(a.reshape(2, 3, 2, 3))
    want = cr.grad(lambda x: np.sum(np.linalg.solve(x, b.ravel()) ** 2))(a)
    np.testing.assert_allclose(g, want.reshape(2, 3, 2, 3), rtol=1e-12)
    g = cr.grad(lambda x: np.linalg.tensorinv(x)[0, 1, 1])(a.reshape(2, 3, 6))
    want = cr.grad(lambda x: np.linalg.inv(x)[0, 4])(a)  # tensorinv (6, 2, 3) = inv (6, 6)
    np.testing.assert_allclose(g, want.reshape(2, 3, 6), rtol=1e-12)
    with pytest.raises(ValueError, match="ind"):
        cr.grad(lambda x: np.linalg.tensorinv(x, ind=0).sum())(a)


def test_vector_and_matrix_norm_spellings_match_norm():
    x = RNG.standard_normal((2, 3, 4))
    g = cr.grad(lambda v: np.linalg.vector_norm(v, axis=(0, 2)).sum())(x)
    want = cr.grad(lambda v: np.sum(np.sqrt(np.sum(v * v, axis=(0, 2)))))(x)
    np.testing.assert_allclose(g, want, rtol=1e-12)
    g = cr.grad(lambda v: np.linalg.matrix_norm(v, ord=np.inf).sum())(x)
    want = cr.grad(lambda v: np.linalg.norm(v, np.inf, axis=(-2, -1)).sum())(x)
    np.testing.assert_allclose(g, want, rtol=1e-12)


def test_matrix_rank_is_a_constant():
    seen = []
    cr.grad(lambda a: seen.append(np.linalg.matrix_rank(a)) or a.sum())(np.ones((3, 3)))
    assert seen == [1]


def test_matrix_power_exponents():
    a = RNG.standard_normal((2, 3, 3)) / 3 + np.eye(3)
    for n in (0, 1, 3, 8, -1, -3):
        out, back = cr.vjp(lambda x, n=n: np.linalg.matrix_power(x, n), a)
        np.testing.assert_allclose(out, np.linalg.matrix_power(a, n), rtol=1e-12)
    g = cr.grad(lambda x: np.sum(np.linalg.matrix_power(x, 0) * x))(a)  # I has no derivative
    np.testing.assert_allclose(g, np.broadcast_to(np.eye(3), a.shape))
    # d tr(A^n) = n (A^(n-1))^T
    g = cr.grad(lambda x: np.trace(np.linalg.matrix_power(x, 5), axis1=-2, axis2=-1).sum())(a)
    np.testing.assert_allclose(g, 5 * np.swapaxes(np.linalg.matrix_power(a, 4), -1, -2),
                               rtol=1e-10)
    with pytest.raises(TypeError, match="exponent must be an integer"):
        cr.grad(lambda x: np.linalg.matrix_power(x, 1.5).sum())(a)
    with pytest.raises(ValueError, match="square"):
        cr.grad(lambda x: np.linalg.matrix_power(x, 2).sum())(np.ones((2, 3)))


def test_untraced_calls_are_numpy():
    a = RNG.standard_normal((3, 3))
    assert cnp.linalg.cond(a, 1) == np.linalg.cond(a, 1)
    assert cnp.linalg.matrix_rank(a) == 3
