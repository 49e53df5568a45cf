"""``take`` at another library's index array: computed in that library (never copied to the
host), equal to NumPy's values and gradients in every mode and along every axis."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp

xp = pytest.importorskip("array_api_strict", reason="array-api-strict (dev extra) not installed")
from tests.strict_device import on_device, to_numpy  # noqa: E402  (after the skip)

A = np.arange(12.0).reshape(3, 4) / 7
INDICES = np.array([[2, -1], [0, 0]])


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize("mode", ["raise", "wrap", "clip"])
def test_take_at_another_librarys_indices_equals_numpy(axis, mode):
    def f(a, i):
        return cnp.sum(cnp.sin(cnp.take(a, i, axis=axis, mode=mode)) * 3.0)

    a, i = on_device(A), on_device(INDICES)
    np.testing.assert_allclose(to_numpy(cnp.take(a, i, axis=axis, mode=mode)),
                               np.take(A, INDICES, axis=axis, mode=mode), rtol=1e-15)
    np.testing.assert_allclose(to_numpy(cr.grad(f)(a, i)), cr.grad(f)(A, INDICES), rtol=1e-14)


def test_out_of_bounds_and_non_integer_indices_are_refused():
    with pytest.raises(IndexError, match="take: an index is out of bounds for axis 0 of size 3"):
        cnp.take(on_device(A), on_device(np.array([3])), axis=0)
    with pytest.raises(IndexError, match="take: indices must be integers"):
        cnp.take(on_device(A), on_device(np.array([1.0])), axis=0)
