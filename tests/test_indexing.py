"""Indexing: property tests over random indices, assignment inside differentiated functions,
repeated indices, second derivatives, sort and take_along_axis."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import chainrule as cr
import chainrule.numpy as cnp

# --- strategies -----------------------------------------------------------------------------
shapes = st.lists(st.integers(1, 4), min_size=0, max_size=3).map(tuple)


def _slice(draw, n):
    bound = st.none() | st.integers(-n - 1, n + 1)
    step = st.none() | st.integers(-3, 3).filter(lambda s: s != 0)
    return slice(draw(bound), draw(bound), draw(step))


@st.composite
def basic_indices(draw):
    """A shape and a basic index into it: ints, slices, None, Ellipsis."""
    shape = draw(shapes)
    entries = []
    indexed = draw(st.integers(0, len(shape)))  # trailing axes may stay unindexed
    for n in shape[:indexed]:
        if draw(st.booleans()):
            entries.append(draw(st.integers(-n, n - 1)))
        else:
            entries.append(_slice(draw, n))
        if draw(st.integers(0, 4)) == 0:
            entries.append(None)
    if draw(st.booleans()):
        # Ellipsis stands for the unindexed axes: anywhere when there are none, else at the end
        where = draw(st.integers(0, len(entries))) if indexed == len(shape) else len(entries)
        entries.insert(where, Ellipsis)
    return shape, tuple(entries)


@st.composite
def advanced_indices(draw):
    """A shape and an index with integer arrays (repeats likely) mixed with ints and slices."""
    shape = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple))
    common = draw(st.lists(st.integers(1, 3), min_size=0, max_size=2).map(tuple))
    entries = []
    for d, n in enumerate(shape):
        kind = draw(st.sampled_from(["array", "slice", "int"] if d else ["array"]))
        if kind == "array":
            flat = draw(st.lists(st.integers(-n, n - 1), min_size=int(np.prod(common)),
                                 max_size=int(np.prod(common))))
            entries.append(np.array(flat, dtype=np.intp).reshape(common))
        elif kind == "slice":
            entries.append(_slice(draw, n))
        else:
            entries.append(draw(st.integers(-n, n - 1)))
    return shape, tuple(entries)


@st.composite
def mask_indices(draw):
    """A shape and a boolean mask over its leading axes, optionally followed by a slice."""
    shape = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple))
    k = draw(st.integers(1, len(shape)))
    flat = draw(st.lists(st.booleans(), min_size=int(np.prod(shape[:k])),
                         max_size=int(np.prod(shape[:k]))))
    mask = np.array(flat, dtype=bool).reshape(shape[:k])
    if k < len(shape) and draw(st.booleans()):
        return shape, (mask, _slice(draw, shape[k]))
    return shape, mask


any_index = basic_indices() | advanced_indices() | mask_indices()


def _updated(x, index, v):
    y = x.copy()
    y[index] = v
    return y


# --- getitem ---------------------------------------------------------------------------------
@settings(max_examples=150, deadline=None)
@given(case=any_index, seed=st.integers(0, 2**16))
def test_getitem_vjp_is_add_at_and_jvp_is_getitem(case, seed):
    shape, index = case
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    y = x[index]
    u = rng.standard_normal(np.shape(y))
    expected = np.zeros_like(x)
    np.add.at(expected, index, u)  # each read sends its cotangent back, repeats adding up
    got = cr.grad(lambda x: (x[index] * u).sum())(x)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    t = rng.standard_normal(shape)
    out, tangent = cr.jvp(lambda x: x[index], (x,), (t,))
    np.testing.assert_array_equal(out, y)
    np.testing.assert_array_equal(tangent, t[index])


@settings(max_examples=150, deadline=None)
@given(case=any_index, seed=st.integers(0, 2**16), broadcast=st.booleans())
def test_index_update_derivatives_match_numpy_assignment(case, seed, broadcast):
    shape, index = case
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    target = x[index].shape
    vshape = target[1:] if broadcast and target else target  # a value broadcast over axis 0
    v = rng.standard_normal(vshape)
    w = rng.standard_normal(shape)
    gx, gv = cr.grad(lambda x, v: (cnp.index_update(x, index, v) * w).sum(), (0, 1))(x, v)
    # dy/dx: identity with the written places zeroed.
    expected_x = w.copy()
    expected_x[index] = 0.0
    np.testing.assert_array_equal(gx, expected_x)
    # dy/dv by unit steps (the map is linear in v): NumPy's own assignment decides which
    # of repeated writes lands.
    expected_v = np.zeros(vshape)
    base = (_updated(x, index, v) * w).sum()
    for k in range(v.size):
        step = v.copy().reshape(-1)
        step[k] += 1.0
        expected_v.reshape(-1)[k] = (_updated(x, index, step.reshape(vshape)) * w).sum() - base
    np.testing.assert_allclose(gv, expected_v, rtol=1e-9, atol=1e-9)
    tx, tv = rng.standard_normal(shape), rng.standard_normal(vshape)
    out, tangent = cr.jvp(lambda x, v: cnp.index_update(x, index, v), (x, v), (tx, tv))
    np.testing.assert_array_equal(out, _updated(x, index, v))
    np.testing.assert_array_equal(tangent, _updated(tx, index, tv))


def test_repeated_indices_add_their_cotangents():
    g = cr.grad(lambda x: (x[[0, 0, 2, 0]] * np.array([1.0, 2.0, 3.0, 4.0])).sum())(np.ones(3))
    assert g.tolist() == [7.0, 0.0, 3.0]
    g = cr.grad(lambda x: x[np.array([[1, 1], [1, 0]]), 1:].sum())(np.zeros((2, 3)))
    assert g.tolist() == [[0.0, 1.0, 1.0], [0.0, 3.0, 3.0]]


def test_repeated_writes_last_one_wins():
    def f(x, v):
        x = x * 1.0
        x[[0, 0, 1]] = v  # v[0] is overwritten by v[1] at position 0
        return (x * np.array([10.0, 100.0, 1000.0])).sum()

    gx, gv = cr.grad(f, (0, 1))(np.ones(3), np.array([1.0, 2.0, 3.0]))
    assert gx.tolist() == [0.0, 0.0, 1000.0]
    assert gv.tolist() == [0.0, 10.0, 100.0]
    assert float(f(np.ones(3), np.array([1.0, 2.0, 3.0]))) == 20.0 + 300.0 + 1000.0


# --- assignment inside differentiated functions ------------------------------------------------
def test_setitem_row_with_traced_value():
    def f(x, v):
        x = x + 0.0
        x[1] = v
        return (x ** 2).sum()

    x, v = np.arange(6.0).reshape(2, 3), np.array([1.0, -2.0, 0.5])
    gx, gv = cr.grad(f, (0, 1))(x, v)
    np.testing.assert_array_equal(gx, [[0.0, 2.0, 4.0], [0.0, 0.0, 0.0]])
    np.testing.assert_array_equal(gv, 2 * v)


def test_setitem_mask_times_two():
    def f(x):
        x = x * 1.0
        x[x > 0] *= 2
        return (x ** 2).sum()

    x = np.array([-1.0, 2.0, 0.5, -3.0])
    # y = 2x where x > 0: d(sum y^2)/dx = 2 y * dy/dx = 8x there, 2x elsewhere.
    np.testing.assert_allclose(cr.grad(f)(x), [-2.0, 16.0, 4.0, -6.0])


def test_setitem_column_add_traced():
    def f(x, y):
        x = x * 1.0
        x[:, 0] += y
        return (x * np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])).sum()

    gx, gy = cr.grad(f, (0, 1))(np.ones((3, 2)), np.zeros(3))
    np.testing.assert_array_equal(gx, [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    np.testing.assert_array_equal(gy, [1.0, 3.0, 5.0])


def test_setitem_in_forward_mode_and_with_constant_target():
    def f(v):
        out = cnp.index_update(np.zeros(4), slice(1, 3), v)  # constant array, traced value
        return out * np.arange(4.0)

    _, tangent = cr.jvp(f, (np.ones(2),), (np.array([1.0, 2.0]),))
    np.testing.assert_array_equal(tangent, [0.0, 1.0, 4.0, 0.0])
    check = cr.check_grad(lambda x, v: cnp.index_update(x, (0, [1, 1]), v ** 2) ** 2,
                          np.ones((2, 3)), np.array([0.5, -1.5]))
    assert check.ok


# --- higher order ----------------------------------------------------------------------------
def test_second_derivatives_through_getitem():
    idx = [0, 0, 2]

    def f(x):
        return (x[idx] ** 3).sum()

    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(cr.grad(f)(x), [6.0, 0.0, 27.0])  # 3x^2 times the count
    # d/dx of grad(f)[0] = 12 x0 e0; getitem's rule is differentiated (reverse over reverse)
    np.testing.assert_allclose(cr.grad(lambda x: cr.grad(f)(x)[0])(x), [12.0, 0.0, 0.0])
    # forward over reverse: Hessian-vector product diag(6 x count) @ v
    v = np.array([1.0, 1.0, 1.0])
    _, hv = cr.jvp(cr.grad(f), (x,), (v,))
    np.testing.assert_allclose(hv, [12.0, 0.0, 18.0])
    assert cr.check_grad(lambda x: x[1:, [0, 0]] ** 3 * x[None, 0, :2], np.ones((3, 2)) * 0.7,
                         order=3).ok


def test_second_derivatives_through_index_update():
    def f(x):
        x = x * 1.0
        x[[2, 2]] = x[0] * x[1]
        return (x ** 2).sum()

    x = np.array([1.5, -0.5, 2.0])
    # f = x0^2 + x1^2 + (x0 x1)^2
    g = 2 * x[:2] + 2 * x[0] * x[1] * x[::-1][1:]
    np.testing.assert_allclose(cr.grad(f)(x), [g[0], g[1], 0.0])
    assert cr.check_grad(f, x, order=2).ok


# --- sort, take, take_along_axis ---------------------------------------------------------------
def test_sort_gradient_follows_the_permutation():
    x = np.array([0.3, -1.0, 2.0, 0.1])
    w = np.array([1.0, 10.0, 100.0, 1000.0])
    g = cr.grad(lambda x: (np.sort(x) * w).sum())(x)  # dispatched from numpy.sort
    np.testing.assert_array_equal(g, w[np.argsort(np.argsort(x))])


def test_sort_ties_follow_stable_argsort():
    # stable order of [1, 1, 0]: positions 2, 0, 1
    g = cr.grad(lambda x: (cnp.sort(x) * np.array([1.0, 10.0, 100.0])).sum())(
        np.array([1.0, 1.0, 0.0]))
    assert g.tolist() == [10.0, 100.0, 1.0]


def test_sort_axis_and_second_order():
    x = np.random.default_rng(0).permutation(12).reshape(3, 4) / 7.0
    w = np.arange(12.0).reshape(3, 4)
    g = cr.grad(lambda x: (np.sort(x, axis=0) * w).sum())(x)
    expected = np.zeros_like(x)
    np.put_along_axis(expected, np.argsort(x, axis=0), w, axis=0)
    np.testing.assert_array_equal(g, expected)
    assert cr.check_grad(lambda x: np.sort(x, axis=None) ** 2, x, order=2).ok


def test_take_along_axis_picks_the_max():
    x = np.array([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])

    def f(x):
        picked = np.take_along_axis(x, np.argmax(x, axis=1)[:, None], axis=1)
        return (picked * np.array([[2.0], [3.0]])).sum()

    assert float(f(x)) == 2 * 5.0 + 3 * 7.0
    assert cr.grad(f)(x).tolist() == [[0.0, 2.0, 0.0], [3.0, 0.0, 0.0]]
    idx = np.array([[0, 0], [2, 1]])
    g = cr.grad(lambda x: np.take_along_axis(x, idx, axis=1).sum())(x)  # repeated: adds
    assert g.tolist() == [[2.0, 0.0, 0.0], [0.0, 1.0, 1.0]]


def test_take_modes_and_methods():
    x = np.arange(5.0)
    # clip: -1 reads entry 0 (not the last one), 7 reads entry 4
    out, tangent = cr.jvp(lambda x: np.take(x, [0, 7, -1], mode="clip"), (x,), (x + 1,))
    assert out.tolist() == [0.0, 4.0, 0.0] and tangent.tolist() == [1.0, 5.0, 1.0]
    g = cr.grad(lambda x: np.take(x, [0, 7, -1], mode="clip").sum())(x)
    assert g.tolist() == [2.0, 0.0, 0.0, 0.0, 1.0]
    g = cr.grad(lambda x: cnp.take(x, [6, 6], mode="wrap").sum())(x)
    assert g.tolist() == [0.0, 2.0, 0.0, 0.0, 0.0]
    g = cr.grad(lambda m: m.take([1, 1], 1).sum())(np.zeros((2, 3)))
    assert g.tolist() == [[0.0, 2.0, 0.0], [0.0, 2.0, 0.0]]


# --- basics and errors ------------------------------------------------------------------------
def test_hot_path_max_then_newaxis():
    U = np.array([[1.0, 4.0], [3.0, 2.0]])
    g = cr.grad(lambda U: (U - np.max(U, axis=1)[:, None]).sum())(U)
    np.testing.assert_array_equal(g, [[1.0, -1.0], [-1.0, 1.0]])


def test_iteration_and_scalars():
    g = cr.grad(lambda x: sum(row[0] * row[1] for row in x))(np.array([[1.0, 2.0], [3.0, 4.0]]))
    assert g.tolist() == [[2.0, 1.0], [4.0, 3.0]]


def test_traced_index_is_refused():
    with pytest.raises(TypeError, match="index arrays must be constant"):
        cr.grad(lambda x: x[x].sum())(np.array([0.0, 1.0]))
    with pytest.raises(TypeError, match="index arrays must be constant"):
        cr.grad(lambda x: x[[x[0], 1]].sum())(np.array([0.0, 1.0]))

    def assign(x):
        x = x * 1.0
        x[x] = 1.0
        return x.sum()

    with pytest.raises(TypeError, match="index arrays must be constant"):
        cr.grad(assign)(np.array([0.0, 1.0]))


def test_getitem_on_constants_is_plain_numpy():
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(cnp.getitem(x, ([1, 0], [2, 2])), x[[1, 0], [2, 2]])
    np.testing.assert_array_equal(cnp.getitem(x, [[]]), x[np.array([[]], dtype=np.intp)])
    np.testing.assert_array_equal(cnp.index_update(x, [0], 7.0), _updated(x, [0], 7.0))
    assert x[0, 0] == 0.0  # the input is not modified


def test_float32_stays_float32():
    x = np.arange(4, dtype=np.float32)

    def f(x):
        x = x * 1
        x[[0, 0]] = np.array([2.0, 3.0])  # float64 value written into float32
        return (x[::-1] * x).sum()

    assert cr.grad(f)(x).dtype == np.float32
    assert cr.grad(lambda x: np.sort(x)[1:].sum())(x).dtype == np.float32
