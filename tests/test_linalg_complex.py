"""Complex matrices through the decompositions: analytic gradients in chainrule's convention
(the cotangent of z = x + iy is dL/dx - i dL/dy, ops/complex.py), checked against
finite differences of real-valued functions."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp

RNG = np.random.default_rng(23)


def _c(*shape):
    return RNG.standard_normal(shape) + 1j * RNG.standard_normal(shape)


def _fd_grad(f, z, eps=1e-6):
    """dL/dx - i dL/dy by central differences, entry by entry."""
    g = np.zeros(z.shape, complex)
    for idx in np.ndindex(z.shape):
        for step, weight in ((1.0, 1.0), (1j, -1j)):
            dz = np.zeros(z.shape, complex)
            dz[idx] = step * eps
            g[idx] += weight * (f(z + dz) - f(z - dz)) / (2 * eps)
    return g


def test_largest_singular_value_gradient_is_conj_u1_v1():
    a = _c(4, 3)
    u, s, vh = np.linalg.svd(a)
    g = cr.grad(lambda x: np.linalg.svd(x, compute_uv=False)[0])(a)
    np.testing.assert_allclose(g, np.conj(np.outer(u[:, 0], vh[0])), atol=1e-12)
    np.testing.assert_allclose(g, _fd_grad(lambda x: np.linalg.svd(x, compute_uv=False)[0], a),
                               atol=1e-7)


def test_nuclear_norm_gradient_is_conj_u_vh():
    a = _c(3, 5)
    u, _, vh = np.linalg.svd(a, full_matrices=False)
    g = cr.grad(lambda x: np.linalg.norm(x, "nuc"))(a)
    np.testing.assert_allclose(g, np.conj(u @ vh), atol=1e-12)


def test_singular_vector_projector_matches_finite_differences():
    a = _c(4, 3)

    def f(x):
        u = np.linalg.svd(x)[0]
        return np.real(u[0, 1] * np.conj(u[2, 1]))  # an entry of u_2 u_2^H: phase-invariant

    np.testing.assert_allclose(cr.grad(f)(a), _fd_grad(f, a), atol=1e-7)


def test_hermitian_eigenvalue_gradient_reads_the_lower_triangle():
    z = _c(3, 3)
    h = z @ z.conj().T + np.diag([0.0, 3.0, 6.0])

    def top(x):
        return np.linalg.eigvalsh(x)[-1]

    g = cr.grad(top)(h)
    assert np.all(np.triu(g, 1) == 0)
    np.testing.assert_allclose(g, _fd_grad(top, h), atol=1e-7)


def test_qr_of_complex_matrix_rebuilds_and_keeps_a_real_r_diagonal():
    a, d = _c(4, 3), _c(4, 3)
    (q, r), (dq, dr) = cr.jvp(lambda x: tuple(cnp.linalg.qr(x)), (a,), (d,))
    np.testing.assert_allclose(dq @ r + q @ dr, d, atol=1e-12)
    np.testing.assert_allclose(np.imag(np.diagonal(dr)), 0, atol=1e-12)
    omega = q.conj().T @ dq
    np.testing.assert_allclose(omega, -omega.conj().T, atol=1e-12)


def test_slogdet_sign_of_a_complex_matrix_is_differentiable():
    a = _c(3, 3)

    def phase(x):
        return np.real(np.linalg.slogdet(x)[0])

    np.testing.assert_allclose(cr.grad(phase)(a), _fd_grad(phase, a), atol=1e-7)
    g = cr.grad(lambda x: np.linalg.slogdet(x)[1])(a)
    np.testing.assert_allclose(g, np.linalg.inv(a).T, atol=1e-12)  # holomorphic part: A^-T


@pytest.mark.parametrize("upper", [False, True])
def test_complex_cholesky_matches_finite_differences(upper):
    z = _c(3, 3)
    a = z @ z.conj().T + 3 * np.eye(3) + 0.1 * _c(3, 3)  # not Hermitian: one triangle read

    def f(x):
        return np.real(np.sum(np.linalg.cholesky(x, upper=upper) * np.arange(9).reshape(3, 3)))

    np.testing.assert_allclose(cr.grad(f)(a), _fd_grad(f, a), atol=1e-7)
