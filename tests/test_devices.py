"""``chainrule.devices``: naming a device, moving arrays explicitly, and the clear refusals
when a GPU is asked for where there is none (issue 12)."""

import sys
import types

import numpy as np
import pytest

from chainrule.devices import CPU, Device, DeviceError, device, device_of

xp = pytest.importorskip("array_api_strict", reason="array-api-strict (dev extra) not installed")


@pytest.mark.parametrize("name", ["cpu", "CPU", "numpy", " host "])
def test_host_names_give_numpy(name):
    assert device(name) is CPU and CPU.is_host and device(np) is CPU
    assert device((np, None)) is CPU and device(CPU) is CPU


@pytest.mark.parametrize("name", ["tpu", "cuda:x", "gpu:-1", "cuda:1:2", ""])
def test_unknown_names_are_refused(name):
    with pytest.raises(ValueError, match="expected 'cpu', 'gpu', 'cuda' or 'cuda:N'"):
        device(name)


def test_other_objects_are_refused_by_type():
    with pytest.raises(TypeError, match="device: expected .* got int 3"):
        device(3)


def test_gpu_without_cupy_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", None)  # import cupy raises ImportError
    with pytest.raises(DeviceError, match=r"CuPy is not installed; install the GPU extra "
                                          r"\(pip install 'chainrule\[gpu\]'"):
        device("gpu")


def fake_cupy(count):
    """A stand-in for CuPy whose runtime reports ``count`` GPUs (or raises, like CuPy without
    a driver, when ``count`` is an exception)."""
    def get_device_count():
        if isinstance(count, Exception):
            raise count
        return count

    runtime = types.SimpleNamespace(getDeviceCount=get_device_count)
    return types.SimpleNamespace(cuda=types.SimpleNamespace(runtime=runtime))


def test_gpu_without_a_gpu_says_so(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", fake_cupy(RuntimeError("cudaErrorNoDevice")))
    with pytest.raises(DeviceError, match=r"CuPy finds no usable CUDA GPU here "
                                          r"\(cudaErrorNoDevice\); use device 'cpu'"):
        device("cuda")


def test_a_gpu_number_past_the_last_is_refused(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", fake_cupy(2))
    with pytest.raises(DeviceError, match=r"'cuda:2': this machine has 2 CUDA GPU\(s\), "
                                          r"numbered 0 to 1"):
        device("cuda:2")


def test_namespaces_and_pairs_name_devices_of_other_libraries():
    default, one = device(xp), device((xp, xp.Device("device1")))
    assert default.xp is xp and not default.is_host and default != one
    assert one == device((xp, xp.Device("device1"))) and len({one, device(one)}) == 1
    assert "device1" in repr(one)


def test_put_and_get_copy_explicitly_and_keep_dtypes():
    one, two = device((xp, xp.Device("device1"))), device((xp, xp.Device("device2")))
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    on_one = one.put(a)
    assert device_of(on_one) == one and on_one.dtype == xp.float32
    assert one.put(on_one) is on_one  # already there: no copy
    on_two = two.put(on_one)
    assert device_of(on_two) == two
    back = two.get(on_two)
    assert type(back) is np.ndarray and back.dtype == np.float32
    np.testing.assert_array_equal(back, a)
    np.testing.assert_array_equal(CPU.put(on_one), a)
    assert device_of(np.ones(2)) is CPU and device_of(1.5) is CPU
    labels = one.put(np.array([0, 2, 1]))
    assert labels.dtype == xp.int64


def test_a_dtype_outside_the_standard_is_refused():
    with pytest.raises(DeviceError, match="has no dtype float16"):
        device((xp, xp.Device("device1"))).put(np.ones(2, np.float16))


def test_devices_are_hashable_and_compare_by_library_and_device():
    assert isinstance(CPU, Device) and CPU == device("cpu") and hash(CPU) == hash(device("cpu"))
    assert CPU != device(xp) and CPU != "cpu"
