"""``cr.jit`` where a derivative rule checks or branches on the data (issue 13): a check is a
guard the program runs on every call (a later call with bad data raises eager's error), and a
shortcut taken without hits runs its general form inside, which gives eager's bits both with
and without hits."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule.jit import JitError, jit


def _gradient(f):
    def run(a):
        out, back = cr.vjp(f, a)
        return out, back(np.ones_like(out))
    return run


def _same(got, want):
    g, w = cr.tree_leaves(got), cr.tree_leaves(want)
    assert len(g) == len(w)
    for a, b in zip(g, w, strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


def _raises_as_eager(f, good, bad, error):
    run = _gradient(f)
    compiled = jit(run)
    _same(compiled(good), run(good))
    with pytest.raises(error) as eager:
        run(bad)
    with pytest.raises(error) as later:
        compiled(bad)  # the same signature: the program's guard, not a new trace
    assert str(later.value).split(":")[0] == str(eager.value).split(":")[0]


def test_qr_dependent_columns_raise_on_a_later_call():
    a = np.random.default_rng(0).standard_normal((4, 3))
    bad = a.copy()
    bad[:, 2] = bad[:, 0]
    _raises_as_eager(lambda x: np.linalg.qr(x)[0].sum() + np.linalg.qr(x)[1].sum(), a, bad,
                     np.linalg.LinAlgError)


def test_pinv_truncation_raises_on_a_later_call():
    a = np.random.default_rng(1).standard_normal((4, 3))
    bad = a * np.array([1.0, 1.0, 1e-3])  # a singular value under the cutoff, not zero
    _raises_as_eager(lambda x: np.linalg.pinv(x, rcond=0.01), a, bad, np.linalg.LinAlgError)


_NAN_REDUCTIONS = {
    "nansum": lambda a: np.nansum(a, axis=-1),
    "nancumsum": lambda a: np.nancumsum(a, axis=1),
    "nanmean": lambda a: np.nanmean(a, axis=-1, keepdims=True),
    "nanmean-all": np.nanmean,
    "nanvar": lambda a: np.nanvar(a, axis=-1),
    "nanvar-ddof": lambda a: np.nanvar(a, ddof=1),
    "nanstd": lambda a: np.nanstd(a, axis=0, keepdims=True),
    "nanmax": lambda a: np.nanmax(a, axis=-1),
    "nanmin": np.nanmin,
}


def _samples(dtype):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 4))
    if dtype == np.complex128:
        x = x + 1j * rng.standard_normal((3, 4))
    one, row = x.copy(), x.copy()
    one[1, 2] = np.nan
    row[2, :] = np.nan  # an all-NaN slot: NaN with NumPy's warning, zero derivative
    return x, one, row


def _run(f, a):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = f(a)
    return out, sorted(str(w.message) for w in caught)


@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
@pytest.mark.parametrize("name", sorted(_NAN_REDUCTIONS))
def test_nan_reductions_compile_to_eager_bits_with_and_without_nans(name, dtype):
    f = _NAN_REDUCTIONS[name]
    if dtype == np.complex128 and name in ("nanmax", "nanmin"):
        pytest.skip("max/min of complex numbers have no derivative")
    clean, one, row = _samples(dtype)
    tangent = np.full_like(clean, 0.5)
    first = _gradient(f)

    def second(a):
        return cr.jvp(lambda y: first(y)[1], (a,), (tangent,))[1]

    for run in (first, second):
        compiled = jit(run)
        for a in (clean, one, row):  # traced on the first: the same program for all three
            (got, got_warned), (want, warned) = _run(compiled, a), _run(run, a)
            _same(got, want)
            assert got_warned == warned  # the program warns where eager does


def test_nan_mean_float32_still_refuses():
    # float32 counts would promote the division to float64: not mean's operations, so the
    # NaN mask is read (and compiling refuses) rather than taking the general form inside.
    a = np.arange(4.0, dtype=np.float32)
    with pytest.raises(JitError):
        jit(_gradient(np.nanmean))(a)
