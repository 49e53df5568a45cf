"""The standard's creation functions with ``dtype=`` and ``device=`` taken from a traced value:
code written against the standard makes its constants where its input is (issue 12), on
array-api-strict's non-default ``device1`` here, and on NumPy as before."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.array_api as A

xp = pytest.importorskip("array_api_strict", reason="array-api-strict (dev extra) not installed")
from tests.strict_device import DEVICE, on_device, to_numpy  # noqa: E402  (after the skip)


def weighted(x):
    """Constants of every creation function, made with x's dtype and device."""
    ns = x.__array_namespace__()
    n, kw = x.shape[0], {"dtype": x.dtype, "device": x.device}
    w = ns.linspace(0.5, 1.5, n, **kw) + ns.arange(n, **kw) / 10
    z = ns.zeros(x.shape, **kw) + ns.ones(x.shape, **kw) * 2.0 + ns.full(x.shape, 0.25, **kw)
    c = ns.asarray([1.0, 2.0, 3.0], **kw)
    E = ns.eye(n, **kw) + ns.eye(n, k=1, **kw)
    like = ns.ones_like(x) + ns.zeros_like(x) + ns.full_like(x, 3.0)
    return ns.sum(ns.matmul(E, ns.exp(x) * w) * z * c + x * like)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_constants_made_on_the_inputs_device_differentiate_as_on_numpy(dtype):
    x = [0.1, -0.2, 0.3]
    got = cr.grad(weighted)(on_device(x, dtype=getattr(xp, dtype)))
    want = cr.grad(weighted)(np.asarray(x, dtype=dtype))
    assert got.dtype == getattr(xp, dtype)
    np.testing.assert_allclose(to_numpy(got), want, rtol=1e-6 if dtype == "float32" else 1e-13)


def test_plain_calls_create_where_asked():
    z = A.zeros((2, 3), dtype=xp.float32, device=DEVICE)
    assert z.device == DEVICE and z.dtype == xp.float32 and z.shape == (2, 3)
    assert A.asarray(np.arange(3), device=DEVICE).device == DEVICE
    assert to_numpy(A.arange(1, 7, 2, device=DEVICE)).tolist() == [1, 3, 5]
    assert to_numpy(A.empty_like(z, device=DEVICE)).shape == (2, 3)
    numpy_made = A.zeros(2, dtype=xp.float32)  # no device: NumPy's, the dtype translated
    assert type(numpy_made) is np.ndarray and numpy_made.dtype == np.float32
    assert type(A.ones(2, device="cpu")) is np.ndarray


def test_an_unknown_device_is_named():
    with pytest.raises(cr.BackendError, match="not a device of NumPy or of an Array API library"):
        A.zeros(2, device=object())
