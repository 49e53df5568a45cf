"""Shape, indexing and joining on another library's arrays (``ops/portable_b.py``), checked on
``array-api-strict``: NumPy's values, results left in that library, refusals as BackendError.
(``tests/test_ops_strict.py`` runs every spec; these check what the specs do not reach.)"""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.backend import BackendError, namespace
from chainrule.ops import portable_b

xp = pytest.importorskip("array_api_strict", reason="array-api-strict (dev extra) not installed")
from tests.strict_device import on_device, to_numpy  # noqa: E402  (after the skip)

X = np.arange(12.0).reshape(3, 4) - 4.5


def _strict(out):
    for o in out if isinstance(out, list | tuple) else (out,):
        assert namespace(o) is xp, f"a {type(o).__name__} left the array-api-strict namespace"
    return out


@pytest.mark.parametrize("index", [
    (slice(1, 10), None), (slice(None, None, -2), 0), (Ellipsis, slice(5, 1, -1)),
    (slice(7, 9), slice(None)), (-1,),
])
def test_standard_index_picks_what_numpy_picks(index):
    basic = portable_b.standard_index(index, X.shape)
    np.testing.assert_array_equal(to_numpy(on_device(X)[basic]), X[index])


def test_scatter_adds_repeats_in_the_order_of_add_at():
    pos = np.array([[3, 0], [3, 3], [1, 3]])
    g = np.array([[0.1, 1e16], [-1e16, 0.3], [2.0, 0.7]])
    expected = np.zeros(4)
    np.add.at(expected, pos, g)
    got = portable_b.scatter(on_device(g), pos, (4,))
    np.testing.assert_array_equal(to_numpy(_strict(got)), expected)


def test_fancy_reads_and_their_gradients_stay_in_the_library():
    def f(x):
        return x[[2, 0, 2], 1:] * x[X > 0][:3] + cnp.take(x, [3, 3, 0], axis=1)[:, :3]

    for lib, make in ((np, np.asarray), (xp, on_device)):
        out, back = cr.vjp(f, make(X))
        (g,) = back(lib.ones_like(out))
        if lib is xp:
            got = [to_numpy(_strict(v)) for v in (out, g)]
        else:
            want = [out, g]
    for a, b in zip(got, want, strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_boolean_mask_of_the_library_indexes_and_assigns():
    def f(x):
        y = x * 2.0
        y[x > 0] = 0.0
        return y[x < 0]

    x = on_device(X)
    out, back = cr.vjp(f, x)
    (g,) = back(xp.ones_like(out))
    np.testing.assert_array_equal(to_numpy(_strict(out)), 2 * X[X < 0])
    np.testing.assert_array_equal(to_numpy(_strict(g)), 2.0 * (X < 0))


def test_an_integer_index_array_of_the_library_is_refused_before_anything_runs():
    with pytest.raises(BackendError, match="getitem: an index entry of type array_api_strict"):
        cr.vjp(lambda x: x[on_device([0, 2])], on_device(X))


def test_concatenate_with_a_dtype_is_refused():
    with pytest.raises(BackendError, match="concatenate: dtype="):
        cnp.concatenate([on_device(X), on_device(X)], dtype=np.float32)


def test_a_numpy_constant_among_library_arrays_is_refused():
    with pytest.raises(BackendError, match="mixed with array_api_strict"):
        cr.vjp(lambda x: cnp.concatenate([x, X]), on_device(X))


@pytest.mark.parametrize("name, f", [
    ("flip", lambda a: cnp.flip(a)), ("tile", lambda a: cnp.tile(a, (1, 2))),
    ("repeat", lambda a: cnp.repeat(a, [1, 0, 2], axis=0)), ("pad", lambda a: cnp.pad(a, 1)),
    ("roll", lambda a: cnp.roll(a, 2)), ("split", lambda a: cnp.split(a, 2, axis=1)),
    ("sort", lambda a: cnp.sort(a, axis=0)), ("rot90", lambda a: cnp.rot90(a)),
    ("take_along_axis", lambda a: cnp.take_along_axis(a, np.array([[0], [3], [1]]), 1)),
    ("diagonal", lambda a: cnp.diagonal(a, 1)), ("triu", lambda a: cnp.triu(a)),
    ("tensordot", lambda a: cnp.tensordot(a, a, ([0], [0]))),
    ("cross", lambda a: cnp.cross(a[:, :3], a[:, 1:])), ("r_", lambda a: cnp.r_[a[0, :], 0:2]),
    ("select", lambda a: cnp.select([a > 0], [a], 1.0)),
    ("polyval", lambda a: cnp.polyval([1.0, 2.0], a)),
])
def test_plain_library_arrays_are_computed_by_that_library(name, f):
    got = _strict(f(on_device(X)))
    want = f(X)
    for g, w in zip(got if isinstance(got, list) else [got],
                    want if isinstance(want, list) else [want], strict=True):
        np.testing.assert_array_equal(to_numpy(g), w)


def _layer(x, w):
    h = np.matmul(x, w).reshape(2, 4)
    return np.concatenate([h[:, ::2], np.broadcast_to(h[:1], (2, 4)).T.T], axis=1)


def test_float32_stays_float32_through_a_layer():
    rng = np.random.default_rng(0)
    x, w = (rng.standard_normal(s).astype(np.float32) for s in ((4, 3), (3, 2)))
    out, back = cr.vjp(lambda w: _layer(on_device(x), w), on_device(w))
    (g,) = back(xp.ones_like(out))
    assert out.dtype == xp.float32 and g.dtype == xp.float32
    ref_out, ref_back = cr.vjp(lambda w: _layer(x, w), w)
    np.testing.assert_array_equal(to_numpy(out), ref_out)
    np.testing.assert_array_equal(to_numpy(g), ref_back(np.ones_like(ref_out))[0])


def test_in_place_updates_follow_numpy_on_library_arrays():
    def f(x):
        y = x * 1.0
        v = y[1:]
        y[0] = x[2] * 3.0
        v *= 2.0
        return y

    out, back = cr.vjp(f, on_device(np.array([1.0, 2.0, 3.0])))
    np.testing.assert_array_equal(to_numpy(_strict(out)), [9.0, 4.0, 6.0])
    np.testing.assert_array_equal(to_numpy(back(xp.ones_like(out))[0]), [0.0, 2.0, 5.0])
    with pytest.raises(TypeError, match="same_kind"):
        cr.vjp(lambda x: _iadd(x * 1.0, 1j * x), on_device(np.ones(2)))


def _iadd(y, v):
    y += v
    return y


def test_matrix_rank_uses_the_library():
    assert int(_strict(cnp.linalg.matrix_rank(on_device(np.diag([1.0, 0.0, 2.0]))))) == 2


def test_broadcast_helpers_keep_the_library():
    from chainrule.broadcast import broadcast_array, unbroadcast

    spread = _strict(broadcast_array(on_device(np.array([1.0, 2.0])), (2, 2)))
    np.testing.assert_array_equal(to_numpy(spread), [[1.0, 2.0], [1.0, 2.0]])
    summed = _strict(unbroadcast(on_device(np.ones((2, 3))), (2, 1)))
    np.testing.assert_array_equal(to_numpy(summed), [[3.0], [3.0]])
