"""numpy.linalg.eig / eigvals on traced values: analytic values, NumPy's normalization,
real inputs with complex spectra, errors."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.ops.gaps import RepeatedValuesError

RNG = np.random.default_rng(17)


def test_sum_and_product_of_eigenvalues_are_trace_and_det():
    a = RNG.standard_normal((4, 4))  # real, with complex eigenvalues in general
    g = cr.grad(lambda x: np.real(np.linalg.eigvals(x).sum()))(a)
    np.testing.assert_allclose(g, np.eye(4), atol=1e-12)
    assert g.dtype == np.float64  # a complex cotangent reaching a real input keeps its real part
    g = cr.grad(lambda x: np.real(np.prod(np.linalg.eigvals(x))))(a)
    np.testing.assert_allclose(g, np.linalg.det(a) * np.linalg.inv(a).T, rtol=1e-10)


def test_eigenvalue_gradient_of_a_triangular_matrix():
    a = np.array([[1.0, 5.0, 2.0], [0.0, 2.0, 3.0], [0.0, 0.0, 4.0]])
    w = np.linalg.eigvals(a)
    i = int(np.argmax(w))  # the eigenvalue 4: left eigenvector u, right v, grad = u v^T / u.v
    g = cr.grad(lambda x: np.linalg.eigvals(x)[i])(a)
    wl, ul = np.linalg.eig(a.T)
    u = ul[:, np.argmax(wl)]
    v = np.linalg.eig(a)[1][:, i]
    np.testing.assert_allclose(g, np.outer(u, v) / (u @ v), atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
def test_eigenvector_tangent_keeps_numpys_normalization(dtype):
    a = RNG.standard_normal((4, 4)).astype(dtype)
    d = RNG.standard_normal((4, 4)).astype(dtype)
    if dtype == np.complex128:
        a, d = a + 1j * RNG.standard_normal((4, 4)), d + 1j * RNG.standard_normal((4, 4))
    (w, v), (dw, dv) = cr.jvp(lambda x: tuple(cnp.linalg.eig(x)), (a,), (d,))
    np.testing.assert_allclose(np.real(np.sum(np.conj(v) * dv, axis=0)), 0, atol=1e-12)
    k = np.argmax(np.abs(v), axis=0)
    np.testing.assert_allclose(np.imag(dv[k, np.arange(4)]), 0, atol=1e-12)
    # A V = V diag(w) differentiated: dA V + A dV = dV diag(w) + V diag(dw)
    np.testing.assert_allclose(d @ v + a @ dv, dv * w + v * dw, atol=1e-10)


def test_repeated_eigenvalues_raise():
    for f, what in ((lambda x: np.real(np.linalg.eigvals(x)[0]), "eigenvalues"),
                    (lambda x: np.real(np.linalg.eig(x)[1][0, 0]), "eigenvectors")):
        with pytest.raises(RepeatedValuesError, match=f"eig: the {what} have no derivative"):
            cr.grad(f)(np.array([[2.0, 1.0], [0.0, 2.0]]))


def test_non_square_input_raises():
    with pytest.raises(np.linalg.LinAlgError, match="square"):
        cr.grad(lambda x: np.real(np.linalg.eigvals(x)).sum())(np.ones((2, 3)))


def test_untraced_is_numpy():
    a = RNG.standard_normal((3, 3))
    np.testing.assert_array_equal(cnp.linalg.eig(a)[1], np.linalg.eig(a)[1])
    np.testing.assert_array_equal(cnp.linalg.eigvals(a), np.linalg.eigvals(a))
