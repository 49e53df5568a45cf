"""numpy.linalg.svd on traced values: analytic derivatives, conventions and errors."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.ops.gaps import RepeatedValuesError
from chainrule.ops.svd import SingularValueError

RNG = np.random.default_rng(3)


def test_largest_singular_value_gradient_is_u1_v1():
    a = RNG.standard_normal((4, 3))
    u, s, vh = np.linalg.svd(a)
    g = cr.grad(lambda x: np.linalg.svd(x)[1][0])(a)
    np.testing.assert_allclose(g, np.outer(u[:, 0], vh[0]), atol=1e-12)


def test_nuclear_norm_gradient_is_u_vh_and_matches_norm():
    a = RNG.standard_normal((2, 3, 5))
    u, _, vh = np.linalg.svd(a, full_matrices=False)
    g = cr.grad(lambda x: np.linalg.svdvals(x).sum())(a)
    np.testing.assert_allclose(g, u @ vh, atol=1e-12)
    g_norm = cr.grad(lambda x: np.linalg.norm(x[0], "nuc") + np.linalg.norm(x[1], "nuc"))(a)
    np.testing.assert_allclose(g, g_norm, atol=1e-9)


def test_rebuilt_matrix_has_identity_derivative():
    a, w = RNG.standard_normal((2, 3, 4))

    def rebuilt(x):
        u, s, vh = np.linalg.svd(x, full_matrices=True)
        return np.sum((u * s) @ vh[:3] * w)

    np.testing.assert_allclose(cr.grad(rebuilt)(a), w, atol=1e-12)
    # second order: the Hessian of sum(A * W) is zero
    (hv,) = cr.hvp(rebuilt, (a,), (RNG.standard_normal(a.shape),))
    np.testing.assert_allclose(hv, 0, atol=1e-10)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5)])
def test_full_matrices_extra_columns_move_without_rotation(shape):
    a = RNG.standard_normal(shape)
    d = RNG.standard_normal(shape)
    (u, s, vh), (du, ds, dvh) = cr.jvp(lambda x: tuple(cnp.linalg.svd(x)), (a,), (d,))
    u, du, vh, dvh = (np.asarray(x) for x in (u, du, vh, dvh))
    k = s.shape[-1]
    for q, dq in ((u, du), (vh.T, dvh.T)):
        omega = q.T @ dq
        np.testing.assert_allclose(omega, -omega.T, atol=1e-12)  # q stays orthogonal
        np.testing.assert_allclose(omega[k:, k:], 0, atol=1e-12)  # no rotation inside


def test_singular_vectors_at_repeated_values_raise():
    with pytest.raises(RepeatedValuesError, match="svd: the left singular vectors"):
        cr.grad(lambda x: np.linalg.svd(x)[0][0, 0])(np.eye(3))
    with pytest.raises(RepeatedValuesError, match="right singular vectors"):
        cr.grad(lambda x: np.linalg.svd(x)[2][0, 0])(np.diag([2.0, 1.0, 2.0]))
    # the singular values' sum (nuclear norm) stays differentiable: U Vh = I here
    g = cr.grad(lambda x: np.linalg.svd(x, compute_uv=False).sum())(np.eye(3))
    np.testing.assert_allclose(g, np.eye(3), atol=1e-12)


def test_zero_singular_value_of_a_tall_matrix_raises_for_u_only():
    a = np.array([[1.0, 2.0], [2.0, 4.0], [0.0, 0.0]])  # rank 1: s = (5, 0)
    with pytest.raises(SingularValueError, match="singular value is zero"):
        cr.grad(lambda x: np.sum(np.linalg.svd(x, full_matrices=False)[0] ** 2 * 3.0))(a)
    # Vh (N rows, no extra rows) is still fine when the values are distinct
    cr.grad(lambda x: np.sum(np.linalg.svd(x)[2] ** 2 * np.arange(4.0).reshape(2, 2)))(a)


def test_square_matrix_with_one_zero_singular_value_matches_finite_differences():
    a = np.array([[1.0, 2.0, 0.5], [2.0, 4.0, 1.0], [0.3, -1.0, 2.0]])  # rank 2
    cr.check_grad(lambda x: [t ** 2 for t in np.linalg.svd(x)], a)


def test_hermitian_reads_the_lower_triangle():
    a = RNG.standard_normal((3, 3))
    g = cr.grad(lambda x: np.linalg.svd(x, compute_uv=False, hermitian=True)[0])(a)
    assert np.all(np.triu(g, 1) == 0)
    s = np.tril(a) + np.tril(a, -1).T
    np.testing.assert_allclose(cnp.linalg.svd(cr.stop_gradient(a), hermitian=True)[1],
                               np.linalg.svd(s, hermitian=True)[1])


def test_untraced_and_bad_inputs():
    a = RNG.standard_normal((3, 2))
    for got, want in zip(cnp.linalg.svd(a), np.linalg.svd(a), strict=True):
        np.testing.assert_array_equal(got, want)
    with pytest.raises(np.linalg.LinAlgError, match="two-dimensional"):
        cr.grad(lambda x: np.linalg.svd(x)[1].sum())(np.ones(3))


def test_float32_stays_float32():
    a = RNG.standard_normal((4, 3)).astype(np.float32)
    g = cr.grad(lambda x: np.sum(np.linalg.svd(x)[0][:, :3] ** 2 * np.arange(3.0)))(a)
    assert g.dtype == np.float32
