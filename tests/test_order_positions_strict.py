"""The index arithmetic of median and the quantiles on another library's arrays
(``ops/order_positions.py``, issue 12), checked on array-api-strict against NumPy's own
``median``/``nanmedian``/``quantile``/``nanquantile``: the positions it selects in the sorted
values, interpolated with NumPy's formula, give NumPy's results; the checks of ``q`` raise
NumPy's errors, and complex values are refused with a ``BackendError``.
"""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.backend import BackendError, namespace
from chainrule.ops import order_positions

xp = pytest.importorskip("array_api_strict", reason="array-api-strict (dev extra) not installed")
from tests.strict_device import on_device, to_numpy  # noqa: E402  (after the skip)

METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _sorted(shape, nans: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=shape)
    flat = a.reshape(-1, shape[-1])
    for row in flat[:: 2]:
        row[rng.permutation(shape[-1])[:nans]] = np.nan
    return np.sort(a, axis=-1)


def _np(x):
    return to_numpy(x)


@pytest.mark.parametrize("nan", [False, True])
@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 6)])
def test_median_positions_give_numpys_median(shape, nan):
    s = _sorted(shape, nans=2 if nan else 0)
    lo, hi, bad = order_positions.middle(on_device(s), nan)
    assert namespace(lo) is xp and namespace(bad) is xp
    pick = (np.take_along_axis(s, _np(lo), -1) + np.take_along_axis(s, _np(hi), -1)) / 2
    got = np.where(_np(bad), np.nan, pick[..., 0])
    with _quiet():
        want = (np.nanmedian if nan else np.median)(s, axis=-1)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("nan", [False, True])
def test_quantile_positions_give_numpys_quantiles(method, nan):
    s = _sorted((3, 7), nans=3 if nan else 0, seed=1)
    q = np.array([0.0, 0.1, 0.35, 0.5, 0.9, 1.0])
    qshape, qq, prev, nxt, gamma, empty = order_positions.positions(
        on_device(s), on_device(q), method, nan)
    assert qshape == (6,) and namespace(prev) is xp
    a, b = np.take_along_axis(s, _np(prev), -1), np.take_along_axis(s, _np(nxt), -1)
    if gamma is None:
        got = a
    else:
        t = _np(gamma)
        got = np.where(t >= 0.5, b - (b - a) * (1 - t), a + (b - a) * t)
    got = np.where(_np(empty)[..., None], np.nan, got)
    with _quiet():
        want = (np.nanquantile if nan else np.quantile)(s, q, axis=-1, method=method)
    np.testing.assert_allclose(got, np.moveaxis(want, 0, -1), rtol=0, atol=1e-15)


def test_a_python_number_q_is_one_quantile():
    qshape, qq, prev, *_ = order_positions.positions(on_device(np.arange(5.0)), 0.5,
                                                     "linear", False)
    assert qshape == () and qq.shape == (1,) and _np(prev).tolist() == [2]


def test_q_outside_its_range_raises_numpys_error():
    with pytest.raises(ValueError, match=r"Percentiles must be in the range \[0, 100\]"):
        order_positions.check(on_device([1.0, 2.0]), 120, "linear", 100)
    with pytest.raises(ValueError, match=r"Quantiles must be in the range \[0, 1\]"):
        order_positions.check(on_device([1.0, 2.0]), on_device([0.5, -0.1]), "linear", 1)


def test_complex_median_is_refused_plainly():
    z = on_device(np.array([1 + 1j, 2 - 1j, 0.5j]))
    with pytest.raises(BackendError, match="median: complex values of array_api_strict"):
        cr.grad(lambda v: cr.numpy.real(cr.numpy.median(v)))(z)


class _quiet:
    """Silence NumPy's warnings of all-NaN slices (their result, NaN, is what is compared)."""

    def __enter__(self):
        import warnings

        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc):
        return self._w.__exit__(*exc)
