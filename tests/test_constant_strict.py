"""NumPy's constant functions on array-api-strict arrays (``ops/constant_elsewhere.py``,
issue 12): answered in that namespace with NumPy's values (positional parameters passed as the
standard's keywords, compositions where the standard names a function otherwise), or refused
with a ``BackendError`` where the standard has no equivalent."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.backend import BackendError, namespace

xp = pytest.importorskip("array_api_strict", reason="array-api-strict (dev extra) not installed")
from tests.strict_device import on_device, to_numpy  # noqa: E402  (after the skip)

A = np.array([[0.5, -np.inf, 2.0], [np.nan, -0.25, np.inf]])


@pytest.mark.parametrize("call", [
    lambda m, a: m.argmax(a, 1), lambda m, a: m.argmin(a), lambda m, a: m.any(a > 0, 0),
    lambda m, a: m.count_nonzero(a > 0, axis=1), lambda m, a: m.isposinf(a),
    lambda m, a: m.isneginf(a), lambda m, a: m.iscomplex(a), lambda m, a: m.isreal(a),
    lambda m, a: m.fix(a), lambda m, a: m.rint(a), lambda m, a: m.around(a),
    lambda m, a: m.floor(a), lambda m, a: m.signbit(a), lambda m, a: m.less(a, 1),
    lambda m, a: m.zeros_like(a, np.float32), lambda m, a: m.argsort(a, axis=0),
    lambda m, a: m.searchsorted(a[0, :2], a[0, :2], "right"),
])
def test_values_are_numpys_and_stay_in_the_namespace(call):
    got = call(cnp, on_device(A))
    assert namespace(got) is xp
    np.testing.assert_array_equal(to_numpy(got), call(np, A))


def test_shape_ndim_size_are_python_values_inside_a_trace():
    def f(v):
        assert cnp.shape(v) == (2, 3) and cnp.ndim(v) == 2 and cnp.size(v) == 6
        assert cnp.size(v, axis=1) == 3 and not cnp.iscomplexobj(v)
        return cnp.sum(v) * cnp.shape(v)[0]

    _, t = cr.jvp(f, (on_device(np.ones((2, 3))),), (on_device(np.ones((2, 3))),))
    assert namespace(t) is xp and float(t) == 12.0


def test_what_the_standard_lacks_is_refused_plainly():
    a = on_device(A)
    with pytest.raises(BackendError, match="numpy.isclose: has no Array API equivalent"):
        cnp.isclose(a, a)
    with pytest.raises(BackendError, match="numpy.round: rounds to whole numbers only"):
        cnp.round(a, 2)
