"""Views and in-place updates of traced arrays compute NumPy's values (chainrule/numpy/views.py):
basic-index views follow updates both ways, in-place operators update aliases, and views that
cannot follow (reshape, transpose...) make the update raise instead of diverging from NumPy."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import chainrule as cr


def _check_like_numpy(f, x):
    """Value and gradient (both modes) of a function that mutates its argument, against NumPy
    running it on a copy and central differences of that."""
    expected = f(x.copy())
    value, g = cr.value_and_grad(f)(x.copy())
    assert value == pytest.approx(expected, rel=1e-14)
    np.testing.assert_allclose(g, cr.numerical_grad(lambda y: f(y.copy()), x), rtol=1e-7,
                               atol=1e-9)
    t = np.random.default_rng(0).standard_normal(x.shape)
    out, dt = cr.jvp(f, (x.copy(),), (t,))
    assert out == pytest.approx(expected, rel=1e-14)
    assert dt == pytest.approx(float(g.ravel() @ t.ravel()), rel=1e-9, abs=1e-12)


def test_a_slice_sees_a_later_write_into_its_base():
    def f(x):
        v = x[:2]
        x[0] = 5.0
        return np.sum(v * v) + x[1]

    _check_like_numpy(f, np.array([1.0, 2.0, 3.0]))


def test_a_write_into_a_view_reaches_the_base_and_its_other_views():
    def f(x):
        row, col = x[1], x[:, 0]
        row[:] = row * 3.0 + x[0]
        inner = row[1:]
        inner[0] = np.sin(col[0])  # a view of a view, writing two levels up
        return np.sum(x ** 2) + np.sum(col * np.arange(3.0))

    _check_like_numpy(f, np.arange(1.0, 7.0).reshape(3, 2) / 3)


def test_in_place_operators_update_aliases_and_views():
    def f(x):
        alias, head = x, x[:2]
        alias += 1.0
        head *= x[2]
        x[1:] /= 2.0
        x **= 2
        return np.sum(alias) + np.sum(head)

    _check_like_numpy(f, np.array([0.5, -1.0, 2.0]))


def test_matmul_in_place_keeps_the_shape():
    def f(m):
        m @= np.array([[1.0, 2.0], [0.5, -1.0]])
        return np.sum(m ** 2)

    _check_like_numpy(f, np.array([[1.0, 2.0], [3.0, 4.0]]))


def test_scalar_indexing_is_a_copy_as_in_numpy():
    def f(x):
        first = x[0]  # 1-d integer index: a NumPy scalar, not a view
        x[0] = 10.0
        return first * x[0]

    _check_like_numpy(f, np.array([2.0, 3.0]))


def test_copies_do_not_follow():
    def f(x):
        c = x[:2].copy()
        x[0] = 7.0
        return np.sum(c) * x[0]

    _check_like_numpy(f, np.array([1.0, 2.0, 3.0]))


@pytest.mark.parametrize("make_view", [
    lambda x: x.T, lambda x: x.reshape(-1), lambda x: np.transpose(x), lambda x: x.ravel(),
    lambda x: np.diagonal(x), lambda x: np.swapaxes(x, 0, 1), lambda x: x[None].squeeze(0),
])
def test_views_that_cannot_follow_make_updates_raise(make_view):
    def write_base(x):
        v = make_view(x)
        x[0, 0] = 1.0
        return np.sum(v)

    def write_view(x):
        v = make_view(x)
        v[0] = 1.0
        return np.sum(x)

    for f in (write_base, write_view):
        with pytest.raises(ValueError, match="shares memory in NumPy"):
            cr.grad(f)(np.ones((2, 2)))


def test_a_dead_view_does_not_block_updates():
    def f(x):
        v = x.T
        s = np.sum(v)
        del v
        x[0, 0] = 3.0
        return s + np.sum(x)

    _check_like_numpy(f, np.ones((2, 2)))


def test_in_place_dtype_and_shape_rules_follow_numpy():
    def widen(x):
        x += np.ones((2, 2))
        return np.sum(x)

    with pytest.raises(ValueError, match="cannot grow in place"):
        cr.grad(widen)(np.ones(2))
    with pytest.raises(TypeError, match="same_kind"):
        cr.grad(lambda x: np.sum(np.abs(_iadd(x, 1j))))(np.ones(2))
    g = cr.grad(lambda x: np.sum(_iadd(x, np.float64(2.0))))(np.ones(2, np.float32))
    assert g.dtype == np.float32


def _iadd(x, v):
    x += v
    return x


def test_an_input_updated_in_place_is_differentiated_as_the_input():
    # f(x) = 25 + x1^2 + x2^2 once x[0] is overwritten (this gave zeros before)
    def f(x):
        x[0] = 5.0
        return np.sum(x * x)

    np.testing.assert_allclose(cr.grad(f)(np.ones(3)), [0.0, 2.0, 2.0])


@settings(max_examples=40)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(1, 6), st.floats(-2, 2)), min_size=1,
                max_size=4))
def test_random_slice_writes_agree_with_numpy(writes):
    def f(x):
        views = [x[a:b] for a, b, _ in writes]
        for v, (_, _, c) in zip(views, writes, strict=True):
            if v.size:
                v[0] = v[-1] * c + 1.0
        return sum(np.sum(v * v) for v in views) + np.sum(x)

    _check_like_numpy(f, np.linspace(-1.0, 1.0, 6))
