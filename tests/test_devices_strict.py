"""Arrays of one library on two devices (array-api-strict's "device1" and "device2", standing
in for two GPUs) do not combine: an operation given both raises an error that names the
operation and both devices, directly and under differentiation; nothing is moved silently."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp

xp = pytest.importorskip("array_api_strict", reason="array-api-strict (dev extra) not installed")
from tests.strict_device import DEVICE, OTHER, on_device  # noqa: E402  (after the skip)

X = np.array([0.3, -1.2, 2.0])


def _pair():
    return on_device(X), xp.asarray(X, dtype=xp.float64, device=OTHER)


@pytest.mark.parametrize(("op", "call"), [
    ("add", lambda a, b: cnp.add(a, b)),
    ("add", lambda a, b: cr.grad(lambda x: cnp.sum(cnp.add(x, b)))(a)),
    ("multiply", lambda a, b: cr.grad(lambda y: cnp.sum(cnp.multiply(y, a)))(b)),
    ("concatenate", lambda a, b: cr.grad(lambda x: cnp.sum(cnp.concatenate([x, b])))(a)),
    ("matmul", lambda a, b: cr.jvp(lambda x: cnp.matmul(x, b), (a,), (a,))),
])
def test_two_devices_in_one_operation_name_it_and_both_devices(op, call):
    a, b = _pair()
    with pytest.raises(ValueError, match=rf"^{op} failed on .*different devices") as info:
        call(a, b)
    message = str(info.value)
    assert str(DEVICE) in message and str(OTHER) in message
    assert "to_device" in message


def test_the_other_device_computes_on_its_own():
    b = xp.asarray(X, dtype=xp.float64, device=OTHER)
    g = cr.grad(lambda x: cnp.sum(cnp.add(x, 1.0) ** 2 / 2.0))(b)
    assert g.device == OTHER
    np.testing.assert_allclose(np.asarray(g.to_device(xp.Device("CPU_DEVICE"))), X + 1.0,
                               rtol=1e-15)
