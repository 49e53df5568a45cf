"""Property tests: broadcasting is undone correctly for any pair of compatible shapes."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import chainrule as cr


@st.composite
def broadcastable_pair(draw):
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3,
                                                     max_side=4))
    a_shape, b_shape = shapes.input_shapes
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    return rng.uniform(0.5, 2.0, a_shape), rng.uniform(0.5, 2.0, b_shape)


@settings(max_examples=60, deadline=None)
@given(broadcastable_pair(), st.sampled_from(["add", "subtract", "multiply", "divide", "power"]))
def test_binary_gradients_sum_over_broadcast_axes(pair, op):
    a, b = pair
    f = getattr(np, op)
    out_shape = np.broadcast_shapes(a.shape, b.shape)
    u = np.random.default_rng(0).standard_normal(out_shape)
    da, db = cr.grad(lambda a, b: np.sum(f(a, b) * u), argnums=(0, 1))(a, b)
    assert da.shape == a.shape and db.shape == b.shape
    # analytic partials, broadcast then summed back
    partial_a = {"add": 1.0, "subtract": 1.0, "multiply": b, "divide": 1 / b,
                 "power": b * a ** (b - 1)}[op]
    partial_b = {"add": 1.0, "subtract": -1.0, "multiply": a, "divide": -a / b**2,
                 "power": np.log(a) * a**b}[op]
    expect_a = np.broadcast_to(u * partial_a, out_shape)
    expect_b = np.broadcast_to(u * partial_b, out_shape)
    np.testing.assert_allclose(da, _sum_to(expect_a, a.shape), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(db, _sum_to(expect_b, b.shape), rtol=1e-10, atol=1e-12)


def _sum_to(x, shape):
    extra = x.ndim - len(shape)
    x = x.sum(axis=tuple(range(extra)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and x.shape[i] != 1)
    return x.sum(axis=axes, keepdims=True).reshape(shape)


@settings(max_examples=40, deadline=None)
@given(broadcastable_pair())
def test_forward_tangents_broadcast_to_the_output(pair):
    a, b = pair
    ta = np.ones_like(a)
    out, tangent = cr.jvp(lambda a: a * b, (a,), (ta,))
    assert tangent.shape == out.shape == np.broadcast_shapes(a.shape, b.shape)
    np.testing.assert_allclose(tangent, np.broadcast_to(b, out.shape) * 1.0)


@st.composite
def cotangent_and_input_shape(draw):
    """A cotangent of a broadcast result and the input shape it sums back to (leading, trailing
    and middle blocks of summed axes, added axes, float32 and float64, non-contiguous views)."""
    big = draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=5))
    extra = draw(st.integers(0, len(big)))
    small = tuple(1 if draw(st.booleans()) else n for n in big[extra:])
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    c = rng.standard_normal(big).astype(dtype)
    if draw(st.booleans()) and c.ndim >= 2:
        c = np.swapaxes(np.swapaxes(c, 0, -1).copy(), 0, -1)  # same values, not C-contiguous
    return c, small


@settings(max_examples=150, deadline=None)
@given(cotangent_and_input_shape())
def test_unbroadcast_sums_exactly_the_broadcast_axes(case):
    from chainrule.broadcast import unbroadcast

    c, shape = case
    got = unbroadcast(c, shape)
    assert got.shape == shape and got.dtype == c.dtype
    want = _sum_to(c.astype(np.float64), shape)
    np.testing.assert_allclose(got, want, rtol=1e-5 if c.dtype == np.float32 else 1e-12,
                               atol=1e-5 if c.dtype == np.float32 else 1e-12)


def test_unbroadcast_of_a_long_float32_row_keeps_pairwise_accuracy():
    # beyond 4096 summed entries, float32 rows are summed by NumPy (pairwise), not by BLAS
    from chainrule.broadcast import unbroadcast

    c = np.full((2, 1 << 20), 0.1, dtype=np.float32)
    got = unbroadcast(c, (2, 1))
    np.testing.assert_allclose(got, np.sum(c, axis=1, keepdims=True), rtol=0)
