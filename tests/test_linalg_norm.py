"""numpy.linalg.norm at its kinks: the documented conventions, never NaN (ops/norm.py)."""

import warnings

import numpy as np
import pytest

import chainrule as cr

ORDS_VECTOR = [None, 2, 1, 0.5, 3, np.inf, -np.inf, -1.5, -1, 0]
ORDS_MATRIX = [None, "fro", "nuc", 2, -2, 1, -1, np.inf, -np.inf]


@pytest.mark.parametrize("p", ORDS_VECTOR)
def test_vector_norm_at_zero_has_zero_derivative_and_hessian(p):
    z = np.zeros(4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no divide-by-zero on the way either
        np.testing.assert_array_equal(cr.grad(lambda x: np.linalg.norm(x, p))(z), 0)
        (hv,) = cr.hvp(lambda x: np.linalg.norm(x, p), (z,), (np.ones(4),))
    np.testing.assert_array_equal(hv, 0)


@pytest.mark.parametrize("p", ORDS_MATRIX)
def test_matrix_norm_at_zero_has_zero_derivative(p):
    g = cr.grad(lambda x: np.linalg.norm(x, p))(np.zeros((3, 3)))
    np.testing.assert_array_equal(g, 0)


@pytest.mark.parametrize("p", [0.5, -1.5])
def test_p_below_one_with_a_zero_entry(p):
    x = np.array([1.0, 0.0, -2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # NumPy's own value divides by zero for p < 0
        want = np.linalg.norm(x, p)
    value, g = cr.value_and_grad(lambda v: np.linalg.norm(v, p))(x)
    assert value == want
    if p > 0:  # the nonzero entries: d/dx_i (sum |x|^p)^(1/p); the zero entry: 0
        nz = x[x != 0]
        s = np.sum(np.abs(nz) ** p)
        expect = np.zeros(3)
        expect[x != 0] = s ** (1 / p - 1) * np.abs(nz) ** (p - 1) * np.sign(nz)
        np.testing.assert_allclose(g, expect, rtol=1e-12)
    else:  # a zero entry makes the norm 0 near here along the others: derivative 0
        np.testing.assert_array_equal(g, 0)


def test_rank_deficient_nuclear_norm_uses_the_nonzero_singular_values_only():
    a = np.outer([1.0, 2.0, 2.0], [3.0, 4.0])  # rank 1, s = (15, 0)
    u, s, vh = np.linalg.svd(a)
    g = cr.grad(lambda x: np.linalg.norm(x, "nuc"))(a)
    np.testing.assert_allclose(g, np.outer(u[:, 0], vh[0]), atol=1e-12)


def test_infinity_norm_ties_share_the_derivative():
    g = cr.grad(lambda x: np.linalg.norm(x, np.inf))(np.array([1.0, -1.0, 0.5]))
    np.testing.assert_allclose(g, [0.5, -0.5, 0.0])
