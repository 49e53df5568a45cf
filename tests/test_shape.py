"""Shape functions: adjoint identities over random arguments, joins and splits, pad, methods and
error messages."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import chainrule as cr
import chainrule.numpy as cnp


# --- every shape function is linear: its VJP is its transpose, its JVP is itself ------------
@st.composite
def linear_cases(draw):
    """``(name, function, shape)``: a shape function with random static arguments."""
    shape = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple))
    nd = len(shape)
    axis = st.integers(-nd, nd - 1)
    name = draw(st.sampled_from(["tile", "repeat", "repeat-array", "flip", "roll", "moveaxis",
                                 "swapaxes", "expand_dims", "squeeze", "pad", "split",
                                 "transpose", "take"]))
    if name == "tile":
        reps = tuple(draw(st.lists(st.integers(0, 3), min_size=1, max_size=4)))
        return name, lambda np_, x: np_.tile(x, reps), shape
    if name == "repeat":
        r, ax = draw(st.integers(0, 3)), draw(st.none() | axis)
        return name, lambda np_, x: np_.repeat(x, r, axis=ax), shape
    if name == "repeat-array":
        ax = draw(axis)
        r = draw(st.lists(st.integers(0, 3), min_size=shape[ax], max_size=shape[ax]))
        return name, lambda np_, x: np_.repeat(x, r, axis=ax), shape
    if name == "flip":
        ax = draw(st.none() | axis | st.lists(axis, min_size=1, max_size=nd, unique_by=lambda a:
                                                 a % nd).map(tuple))
        return name, lambda np_, x: np_.flip(x, ax), shape
    if name == "roll":
        sh = draw(st.integers(-5, 5))
        ax = draw(st.none() | axis)
        return name, lambda np_, x: np_.roll(x, sh, axis=ax), shape
    if name == "moveaxis":
        src, dst = draw(axis), draw(axis)
        return name, lambda np_, x: np_.moveaxis(x, src, dst), shape
    if name == "swapaxes":
        a, b = draw(axis), draw(axis)
        return name, lambda np_, x: np_.swapaxes(x, a, b), shape
    if name == "expand_dims":
        ax = draw(st.integers(-nd - 1, nd))
        return name, lambda np_, x: np_.expand_dims(x, ax), shape
    if name == "squeeze":
        shape = tuple(1 if draw(st.booleans()) else n for n in shape)
        return name, lambda np_, x: np_.squeeze(x), shape
    if name == "pad":
        widths = tuple((draw(st.integers(0, 2)), draw(st.integers(0, 2))) for _ in shape)
        return name, lambda np_, x: np_.pad(x, widths), shape
    if name == "split":
        ax = draw(axis)
        k = draw(st.integers(1, 4))
        return name, lambda np_, x: np_.concatenate(np_.array_split(x, k, ax)[::-1], ax), shape
    if name == "transpose":
        perm = tuple(draw(st.permutations(range(nd))))
        return name, lambda np_, x: np_.transpose(x, tuple(p - nd for p in perm)), shape
    idx = draw(st.lists(st.integers(-shape[0], shape[0] - 1), min_size=0, max_size=5))
    return name, lambda np_, x: np_.take(x, idx, axis=0), shape


@settings(max_examples=200, deadline=None)
@given(case=linear_cases(), seed=st.integers(0, 2**16))
def test_vjp_is_the_transpose_of_numpy_forward(case, seed):
    name, fn, shape = case
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    expected = fn(np, x)
    out, back = cr.vjp(lambda x: fn(cnp, x), x)
    np.testing.assert_array_equal(out, expected)
    u = rng.standard_normal(np.shape(expected))
    (ct,) = back(u)
    # <L x, u> == <x, L^T u> for every x: check it along a few random x (L is linear).
    for _ in range(3):
        z = rng.standard_normal(shape)
        assert np.vdot(fn(np, z), u) == pytest.approx(np.vdot(z, ct), rel=1e-10, abs=1e-10)
    t = rng.standard_normal(shape)
    np.testing.assert_allclose(cr.jvp(lambda x: fn(cnp, x), (x,), (t,))[1], fn(np, t),
                               rtol=1e-12, atol=1e-12)


# --- joins and splits -------------------------------------------------------------------------
def test_split_returns_a_list_of_traced_pieces():
    def f(x):
        pieces = np.split(x, 3, axis=1)
        assert isinstance(pieces, list) and len(pieces) == 3
        assert [p.shape for p in pieces] == [(2, 1)] * 3
        a, b, c = pieces
        return (a * b + c ** 2).sum()

    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(cr.grad(f)(x), [[1.0, 0.0, 4.0], [4.0, 3.0, 10.0]])


def test_array_split_uneven_and_indices():
    x = np.arange(7.0)
    pieces = cr.vjp(lambda x: cnp.array_split(x, 3), x)[0]
    assert [p.tolist() for p in pieces] == [p.tolist() for p in np.array_split(x, 3)]
    g = cr.grad(lambda x: sum((p * (k + 1)).sum() for k, p in enumerate(np.split(x, [2, 5]))))(x)
    assert g.tolist() == [1.0, 1.0, 2.0, 2.0, 2.0, 3.0, 3.0]
    with pytest.raises(ValueError, match="array_split"):
        cr.grad(lambda x: np.split(x, 3)[0].sum())(x)


def test_concatenate_traced_with_constant():
    c = np.array([10.0, 20.0])

    def f(x):
        y = np.concatenate([c, x, c[:1]])
        assert y.shape == (5,)
        return (y * np.arange(5.0)).sum()

    assert cr.grad(f)(np.array([1.0, 1.0])).tolist() == [2.0, 3.0]
    # float32 traced joined with float64 constant: NumPy's promotion, float32 gradient
    g = cr.grad(lambda x: cnp.concatenate([x, c]).sum())(np.ones(2, np.float32))
    assert g.dtype == np.float32
    assert cr.jvp(lambda x: cnp.concatenate([x, c]), (np.ones(2, np.float32),),
                  (np.ones(2, np.float32),))[0].dtype == np.float64


def test_concatenate_many_operands_and_axis_none():
    xs = [np.full((1, 2), float(k)) for k in range(20)]  # more operands than rules at start

    def f(*xs):
        return (cnp.concatenate(xs, axis=None) ** 2).sum()

    grads = cr.grad(f, tuple(range(20)))(*xs)
    for k, g in enumerate(grads):
        np.testing.assert_array_equal(g, np.full((1, 2), 2.0 * k))


def test_stack_of_traced_scalars_builds_an_array():
    def f(a, b):
        v = np.stack([a, b, a * b])
        assert v.shape == (3,)
        m = cnp.array([[a, 1.0], [b, a]])
        assert m.shape == (2, 2)
        return (v ** 2).sum() + (m * np.array([[1.0, 0.0], [2.0, 3.0]])).sum()

    ga, gb = cr.grad(f, (0, 1))(2.0, 3.0)
    # d/da: 2a + 2ab*b + 1 + 3 ; d/db: 2b + 2ab*a + 2
    assert (float(ga), float(gb)) == (4.0 + 36.0 + 4.0, 6.0 + 24.0 + 2.0)
    assert cr.check_grad(lambda a, b: cnp.stack([a, b], axis=-1) ** 2, np.ones(3),
                         np.arange(3.0)).ok


def test_hstack_vstack_column_stack_dstack_match_numpy():
    a, b = np.arange(3.0), np.arange(3.0, 6.0)
    for name in ("hstack", "vstack", "column_stack", "dstack"):
        out, back = cr.vjp(lambda a, b, name=name: getattr(np, name)([a, b]), a, b)
        expected = getattr(np, name)([a, b])
        np.testing.assert_array_equal(out, expected)
        flat = np.arange(expected.size, dtype=float).reshape(expected.shape)
        ga, gb = back(flat)
        np.testing.assert_array_equal(ga, _pick(name, flat, 0))
        np.testing.assert_array_equal(gb, _pick(name, flat, 1))


def _pick(name, flat, k):
    """The entries of ``flat`` where operand k was placed by the numpy join ``name``."""
    ones = [np.zeros(3), np.zeros(3)]
    ones[k] = np.ones(3)
    where = getattr(np, name)(ones).astype(bool)
    return flat[where].astype(float)


# --- pad ----------------------------------------------------------------------------------------
def test_pad_corners_and_gradient_match_numpy():
    x = np.arange(6.0).reshape(2, 3)
    widths, values = ((1, 2), (2, 1)), ((-1.0, -2.0), (-3.0, -4.0))
    out, back = cr.vjp(lambda x: cnp.pad(x, widths, constant_values=values), x)
    np.testing.assert_array_equal(out, np.pad(x, widths, constant_values=values))
    u = np.arange(out.size, dtype=float).reshape(out.shape)
    np.testing.assert_array_equal(back(u)[0], u[1:3, 2:5])


def test_pad_traced_constant_value():
    def f(x, c):
        return (np.pad(x, 1, constant_values=c) * 2.0).sum()

    gx, gc = cr.grad(f, (0, 1))(np.ones((2, 2)), 0.5)
    np.testing.assert_array_equal(gx, np.full((2, 2), 2.0))
    assert float(gc) == 2.0 * (16 - 4)  # every padded cell holds c


def test_pad_other_modes_raise():
    with pytest.raises(ValueError, match="mode='reflect'.*only mode='constant'"):
        cr.grad(lambda x: np.pad(x, 1, mode="reflect").sum())(np.ones(3))
    with pytest.raises(TypeError, match="end_values"):
        cr.grad(lambda x: np.pad(x, 1, end_values=2).sum())(np.ones(3))


# --- methods, dispatch and errors -------------------------------------------------------------
def test_methods_on_traced_values():
    x = np.arange(6.0).reshape(2, 3)

    def f(x):
        parts = [x.T, x.reshape(3, 2), x.reshape((6,)), x.ravel(), x.flatten(), x.flat,
                 x.transpose(1, 0), x.swapaxes(0, 1), x.mT, x[None].squeeze(0), x.repeat(2)]
        w = [float(k + 1) for k in range(len(parts))]
        return sum(wk * (p ** 2).sum() for wk, p in zip(w, parts, strict=True))

    np.testing.assert_allclose(cr.grad(f)(x), 2 * x * sum(range(1, 11)) + 2 * x * 11 * 2)


def test_transpose_negative_axes_inverse():
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    u = np.random.default_rng(1).standard_normal((4, 2, 3))
    (g,) = cr.vjp(lambda x: np.transpose(x, (-1, 0, 1)), x)[1](u)
    np.testing.assert_array_equal(g, np.transpose(u, (1, 2, 0)))


def test_traced_copies_do_not_alias_in_assignment():
    def f(x):
        y = cnp.squeeze(x)  # nothing to squeeze: still a new traced value
        y[0] = 0.0
        return (x * y).sum()

    x = np.array([2.0, 3.0])
    assert float(f(x)) == 9.0
    np.testing.assert_array_equal(cr.grad(f)(x), [0.0, 6.0])


def test_errors_name_the_operation():
    x = np.ones((2, 3))
    with pytest.raises(ValueError, match="squeeze: cannot squeeze axis 0"):
        cr.grad(lambda x: np.squeeze(x, axis=0).sum())(x)
    with pytest.raises(ValueError, match="concatenate: the arrays must have the same number"):
        cr.grad(lambda x: np.concatenate([x, np.ones(3)]).sum())(x)
    with pytest.raises(ValueError, match="stack: all arrays must have the same shape"):
        cr.grad(lambda x: np.stack([x, x.T]).sum())(x)
    with pytest.raises(ValueError, match="reshape: order='F'"):
        cr.grad(lambda x: np.reshape(x, (3, 2), order="F").sum())(x)
    with pytest.raises(TypeError, match="repeat: repeats must be constant"):
        cr.grad(lambda x: np.repeat(x, x[0, 0]).sum())(x)
    with pytest.raises(ValueError, match="fliplr: the input must be at least 2-d"):
        cr.grad(lambda x: np.fliplr(x[0]).sum())(x)
