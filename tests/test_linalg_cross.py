"""numpy.cross and the numpy.linalg spellings of cross, trace and diagonal."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp


def test_cross_jacobian_is_the_skew_matrix():
    b = np.array([1.0, 2.0, 3.0])
    skew = np.array([[0.0, 3.0, -2.0], [-3.0, 0.0, 1.0], [2.0, -1.0, 0.0]])  # a x b = -[b]x a
    np.testing.assert_allclose(cr.jacobian(lambda a: np.cross(a, b))(np.ones(3)), skew)


def test_two_vectors_give_the_z_component_with_numpys_warning():
    a, b = np.array([[1.0, 2.0]]), np.array([[3.0, 4.0]])
    with pytest.warns(DeprecationWarning):
        g = cr.grad(lambda x: np.cross(x, b).sum())(a)
    np.testing.assert_allclose(g, [[4.0, -3.0]])


def test_linalg_cross_wants_3_vectors_and_linalg_trace_uses_the_last_axes():
    with pytest.raises(ValueError, match="3-dimensional"):
        cr.grad(lambda x: np.linalg.cross(x, x).sum())(np.ones((3, 2)))
    m = np.arange(18.0).reshape(2, 3, 3)
    g = cr.grad(lambda x: np.linalg.trace(x).sum())(m)
    np.testing.assert_array_equal(g, np.broadcast_to(np.eye(3), m.shape))
    assert cnp.linalg.trace(m).tolist() == np.linalg.trace(m).tolist()
