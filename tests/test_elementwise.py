"""Elementwise behaviours the registry-driven specs do not express: dtype preservation inside the
rules, conventions at kinks and ties, NumPy dispatch, ``where``/``clip``/``astype`` semantics,
numerical stability, and derivatives of order three against their closed forms."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.primitive import REGISTRY
from chainrule.tracer import Tracer

F32 = np.float32


def grad_sum(f, argnums=0):
    """Gradient of sum(f(...)): the elementwise derivative for elementwise f."""
    return cr.grad(lambda *xs: cnp.sum(f(*xs)), argnums=argnums)


# --- float32 stays float32 ------------------------------------------------------------------
x32 = np.array([0.3, 0.5, 0.7], dtype=F32)
y32 = np.array([0.6, 0.2, 0.9], dtype=F32)
UNARY_PRIMS = [
    "exp", "expm1", "exp2", "log", "log1p", "log2", "log10", "sqrt", "cbrt", "square", "sin",
    "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh", "arctanh",
    "absolute",
]
RULE_CASES = (
    [(name, (x32,), {}) for name in UNARY_PRIMS]
    + [("arccosh", (x32 + F32(1),), {})]
    + [
        (name, args, {})
        for name in ("logaddexp", "logaddexp2", "arctan2", "hypot", "maximum", "minimum",
                     "remainder", "fmod", "add", "subtract", "multiply", "divide", "power")
        for args in ((x32, y32), (x32, 0.4), (0.4, y32), (x32[:, None], y32))
    ]
    + [
        ("clip", (x32, 0.4, 0.6), {}),
        ("clip", (x32, y32 - F32(0.1), y32), {}),
        ("where", (x32, y32), {"condition": np.array([True, False, True])}),
        ("where", (x32, 0.5), {"condition": np.array([True, False, True])}),
        ("astype", (x32,), {"dtype": np.dtype(np.float64), "source": np.dtype(F32)}),
    ]
)


RULE_PARAMS = [pytest.param(*c, id=f"{c[0]}-{k}") for k, c in enumerate(RULE_CASES)]


@pytest.mark.parametrize(("name", "args", "params"), RULE_PARAMS)
def test_rules_keep_float32_and_use_only_what_is_saved(name, args, params):
    """Rules run on float32 values give float32 (no float64 constants sneak in), and the VJP
    rules work with only what the primitive declares it saves."""
    prim = REGISTRY[name]
    ans = prim.impl(*args, **params)
    saved_args = args if prim.save_args else (None,) * len(args)
    saved_ans = ans if prim.save_ans else None
    g = np.linspace(0.5, 1.5, ans.size).reshape(ans.shape).astype(ans.dtype)
    for i, a in enumerate(args):
        if not isinstance(a, np.ndarray):
            continue
        expected = a.dtype
        ct = prim.vjp[i](g, saved_ans, *saved_args, **params)
        assert np.result_type(ct) == expected, (name, i, "vjp")
        tangent = prim.jvp[i](np.ones_like(a), ans, *args, **params)
        assert np.result_type(tangent) == ans.dtype, (name, i, "jvp")


@pytest.mark.parametrize("f", [
    np.exp, np.log, np.tanh, np.sqrt, np.abs, np.arctan, np.reciprocal, np.deg2rad,
    lambda x: np.maximum(x, 0.5), lambda x: np.clip(x, 0.4, 0.6), lambda x: x % 0.45,
    lambda x: np.where(x > 0.4, x, 0.0), lambda x: np.logaddexp(x, 0.0), lambda x: x ** 2.5,
    lambda x: 2.0 ** x, lambda x: np.hypot(x, 1.0), lambda x: np.fmax(x, 0.5),
])
def test_float32_value_gradient_and_tangent(f):
    out, tangent = cr.jvp(f, (x32,), (np.ones_like(x32),))
    assert out.dtype == F32 and tangent.dtype == F32
    g = grad_sum(f)(x32)
    assert g.dtype == F32
    np.testing.assert_allclose(g, tangent, rtol=1e-6)
    np.testing.assert_allclose(g, cr.numerical_grad(lambda x: f(x), x32.astype(np.float64)),
                               rtol=2e-3, atol=1e-3)


# --- kinks and ties -------------------------------------------------------------------------
def test_abs_derivative_at_zero_is_zero():
    x = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(grad_sum(np.abs)(x), [-1.0, 0.0, 1.0])
    np.testing.assert_array_equal(grad_sum(abs)(x), [-1.0, 0.0, 1.0])
    np.testing.assert_array_equal(cr.jvp(np.absolute, (x,), (np.ones(3),))[1], [-1, 0, 1])


@pytest.mark.parametrize(("f", "win"), [(np.maximum, 1.0), (np.minimum, 0.0),
                                        (np.fmax, 1.0), (np.fmin, 0.0)])
def test_selection_ties_split_half_half(f, win):
    x = np.array([1.0, 2.0, 3.0])
    y = np.array([0.0, 2.0, 5.0])
    gx, gy = grad_sum(f, argnums=(0, 1))(x, y)
    # first entry: x > y; second: tie; third: x < y
    np.testing.assert_array_equal(gx, [win, 0.5, 1.0 - win])
    np.testing.assert_array_equal(gy, [1.0 - win, 0.5, win])
    # f(x, x) = x: both halves come back to x
    np.testing.assert_array_equal(grad_sum(lambda a: f(a, a))(x), np.ones(3))
    # forward mode agrees with reverse mode at the tie
    _, t = cr.jvp(f, (x, y), (np.ones(3), np.zeros(3)))
    np.testing.assert_array_equal(t, gx)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("f", [np.maximum, np.minimum])
def test_selection_on_large_arrays_keeps_values_and_dtype(f, dtype):
    # past 16 K entries the partial is the boolean mask itself (no float copy): the gradients
    # are the same numbers in the operands' dtype, with and without a tie
    r = np.random.default_rng(0)
    x = r.normal(size=(130, 130)).astype(dtype)
    for y in (r.normal(size=(130, 130)).astype(dtype), x.copy()):
        tie = x == y
        wins = (x > y) if f is np.maximum else (x < y)
        gx, gy = grad_sum(f, argnums=(0, 1))(x, y)
        assert gx.dtype == dtype and gy.dtype == dtype
        np.testing.assert_array_equal(gx, np.where(tie, 0.5, wins))
        np.testing.assert_array_equal(gy, np.where(tie, 0.5, ~wins & ~tie))
        _, t = cr.jvp(f, (x, y), (np.ones_like(x), np.zeros_like(y)))
        assert t.dtype == dtype
        np.testing.assert_array_equal(t, gx)
    # a float32 operand beside a float64 one: its tangent still becomes float64
    wide = r.normal(size=(130, 130))
    _, t = cr.jvp(f, (x, wide), (np.ones_like(x), np.zeros_like(wide)))
    assert t.dtype == np.float64


def test_relu_by_maximum_at_zero_is_half():
    np.testing.assert_array_equal(grad_sum(lambda x: np.maximum(x, 0.0))(np.zeros(2)), [.5, .5])


def test_fmax_fmin_gradient_skips_nan_operand():
    x = np.array([np.nan, 1.0, np.nan])
    y = np.array([2.0, np.nan, np.nan])
    for f in (np.fmax, np.fmin):
        out = f(x, y)
        traced, _ = cr.jvp(f, (x, y), (np.zeros(3), np.zeros(3)))
        np.testing.assert_array_equal(traced, out)
        gx, gy = grad_sum(f, argnums=(0, 1))(x, y)
        np.testing.assert_array_equal(gx[:2], [0.0, 1.0])
        np.testing.assert_array_equal(gy[:2], [1.0, 0.0])


def test_clip_derivative_inside_at_bounds_and_outside():
    a = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    # on the closed interval [lo, hi] (bounds included) the derivative goes to a
    np.testing.assert_array_equal(grad_sum(lambda x: np.clip(x, -1.0, 1.0))(a), [0, 1, 1, 1, 0])
    ga, glo, ghi = grad_sum(np.clip, argnums=(0, 1, 2))(a, -1.0, 1.0)
    np.testing.assert_array_equal(ga, [0, 1, 1, 1, 0])
    assert glo == 1.0 and ghi == 1.0  # one entry below lo, one above hi
    # lo > hi: NumPy returns hi everywhere, so hi gets the whole derivative
    ga, glo, ghi = grad_sum(np.clip, argnums=(0, 1, 2))(a, 0.5, -0.5)
    np.testing.assert_array_equal(np.clip(a, 0.5, -0.5), -0.5 * np.ones(5))
    assert not ga.any() and glo == 0.0 and ghi == 5.0
    # one-sided bounds, keyword spellings and the method
    np.testing.assert_array_equal(grad_sum(lambda x: np.clip(x, None, 0.0))(a), [1, 1, 1, 0, 0])
    np.testing.assert_array_equal(grad_sum(lambda x: np.clip(x, min=0.0))(a), [0, 0, 1, 1, 1])
    np.testing.assert_array_equal(grad_sum(lambda x: x.clip(-1.0))(a), [0, 1, 1, 1, 1])
    np.testing.assert_array_equal(grad_sum(lambda x: np.clip(x, None, None))(a), np.ones(5))


def test_clip_errors():
    with pytest.raises(TypeError, match="a_min or as min"):
        cr.grad(lambda x: np.clip(x, 0.0, 1.0, min=0.0))(1.0)
    with pytest.raises(TypeError, match="clip: the options"):
        cr.grad(lambda x: cnp.clip(x, 0.0, 1.0, out=np.zeros(())))(1.0)
    # untraced values are plain NumPy, integers included
    out = cnp.clip(np.arange(5), 1, 3)
    assert out.dtype == np.arange(5).dtype and out.tolist() == [1, 1, 2, 3, 3]


# --- dispatch from plain NumPy calls ---------------------------------------------------------
@pytest.mark.parametrize(("f", "df"), [
    (np.exp, np.exp),
    (np.log1p, lambda x: 1 / (1 + x)),
    (np.exp2, lambda x: np.log(2) * 2 ** x),
    (np.log10, lambda x: 1 / (x * np.log(10))),
    (np.cbrt, lambda x: x ** (-2 / 3) / 3),
    (np.arccos, lambda x: -1 / np.sqrt(1 - x * x)),
    (np.arcsinh, lambda x: 1 / np.sqrt(1 + x * x)),
    (np.cosh, np.sinh),
    (np.tan, lambda x: 1 / np.cos(x) ** 2),
    (np.square, lambda x: 2 * x),
    (np.rad2deg, lambda x: np.full_like(x, 180 / np.pi)),
])
def test_numpy_ufunc_dispatch_gives_analytic_derivative(f, df):
    x = np.array([0.1, 0.4, 0.8])
    np.testing.assert_allclose(grad_sum(f)(x), df(x), rtol=1e-12)
    traced = cr.jvp(f, (x,), (np.ones(3),))[0]
    np.testing.assert_array_equal(traced, f(x))  # exactly NumPy's value


def test_dispatch_of_operators_methods_and_keywords():
    x = np.array([0.5, 1.5])

    def f(x):
        assert isinstance(x, Tracer)
        y = np.exp(x, dtype=np.float32)  # ufunc dtype= keyword: a cast
        assert isinstance(y, Tracer) and y.dtype == F32
        return y.astype(np.float64) + abs(-x) + x % 1.0 + np.astype(x, np.float32)

    np.testing.assert_allclose(grad_sum(f)(x), np.exp(x) + 1 + 1 + 1, rtol=1e-6)
    with pytest.raises(TypeError, match=r"numpy\.exp\(\.\.\., out=\.\.\.\)"):
        cr.grad(lambda x: np.exp(x, out=np.zeros(())))(1.0)
    with pytest.raises(TypeError, match="fmax: the options"):
        cr.grad(lambda x: cnp.fmax(x, 1.0, out=np.zeros(())))(1.0)


def test_untraced_calls_are_plain_numpy():
    ints = np.array([1, 2, 4])
    assert cnp.reciprocal(ints).tolist() == np.reciprocal(ints).tolist()
    assert cnp.deg2rad(ints).dtype == np.float64
    assert cnp.fmax(ints, 3).tolist() == [3, 3, 4]
    assert cnp.astype(ints, np.float32).dtype == F32
    assert not isinstance(cnp.where(ints > 1, ints, 0), Tracer)


# --- where --------------------------------------------------------------------------------
def test_where_routes_derivatives_to_the_chosen_branch():
    cond = np.array([True, False, True])
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    y = 2.0  # a Python scalar operand: only x is traced
    gx = grad_sum(lambda x: np.where(cond, x ** 2, y))(x)
    np.testing.assert_array_equal(gx, 2 * x * cond)
    # both traced, broadcast against each other and the condition
    yv = np.array([[7.0], [8.0]])
    gx, gy = grad_sum(lambda a, b: np.where(cond, a, b * b), argnums=(0, 1))(x, yv)
    assert gx.shape == x.shape and gy.shape == yv.shape
    np.testing.assert_array_equal(gx, np.broadcast_to(cond, x.shape).astype(float))
    np.testing.assert_array_equal(gy, 2 * yv * (~cond).sum())
    # forward mode
    _, t = cr.jvp(lambda a, b: np.where(cond, a, b), (x, yv), (np.ones_like(x), 10 * yv))
    np.testing.assert_array_equal(t, np.where(cond, 1.0, 10 * yv))


def test_where_condition_from_traced_values_and_one_argument_form():
    x = np.array([-1.0, 2.0, -3.0])

    def f(x):
        idx = np.where(x > 0)  # numpy.nonzero: constant index arrays
        assert isinstance(idx, tuple) and idx[0].tolist() == [1]
        return np.where(x, x * 3.0, 0.0) + np.where(x < 0, -x, x)

    np.testing.assert_array_equal(grad_sum(f)(x), [3 - 1, 3 + 1, 3 - 1])
    with pytest.raises(ValueError, match="both or neither"):
        cr.grad(lambda x: cnp.where(x > 0, x))(1.0)


# --- powers and remainders ----------------------------------------------------------------
def test_power_with_traced_base_and_exponent():
    x = np.array([0.5, 1.5, 2.0])
    y = np.array([-1.0, 0.5, 3.0])
    gx, gy = grad_sum(lambda a, b: a ** b, argnums=(0, 1))(x, y)
    np.testing.assert_allclose(gx, y * x ** (y - 1), rtol=1e-12)
    np.testing.assert_allclose(gy, x ** y * np.log(x), rtol=1e-12)
    np.testing.assert_allclose(grad_sum(lambda b: np.power(3.0, b))(y), 3.0 ** y * np.log(3.0))
    # d/dy 0**y = 0 for y > 0 (limit of x^y log x), not NaN
    assert cr.grad(lambda b: np.power(0.0, b))(2.0) == 0.0
    # second derivative in the exponent: x^y log(x)^2
    np.testing.assert_allclose(cr.grad(cr.grad(lambda b: 1.5 ** b))(0.7),
                               1.5 ** 0.7 * np.log(1.5) ** 2, rtol=1e-12)


def test_remainder_and_fmod_derivatives():
    x = np.array([-7.5, 7.5, 2.5])
    y = np.array([2.0, -2.0, 2.0])
    for f, quotient in ((np.remainder, np.floor(x / y)), (np.fmod, np.trunc(x / y)),
                        (lambda a, b: a % b, np.floor(x / y))):
        gx, gy = grad_sum(f, argnums=(0, 1))(x, y)
        np.testing.assert_array_equal(gx, np.ones(3))
        np.testing.assert_array_equal(gy, -quotient)


# --- numerical stability and special points -------------------------------------------------
def test_logaddexp_is_stable_for_large_inputs():
    x = np.array([1000.0, 1000.0, -1000.0])
    y = np.array([1000.0, -1000.0, 0.0])
    for f in (np.logaddexp, np.logaddexp2):
        gx, gy = grad_sum(f, argnums=(0, 1))(x, y)
        np.testing.assert_allclose(gx, [0.5, 1.0, 0.0], atol=1e-300)
        np.testing.assert_allclose(gy, [0.5, 0.0, 1.0], atol=1e-300)
        h = cr.grad(cr.grad(lambda a, f=f: f(a, 1000.0)))(1000.0)
        assert np.isfinite(h)
    # d^2/dx^2 logaddexp(x, y) = s (1 - s) with s = sigmoid(x - y)
    assert cr.grad(cr.grad(lambda a: np.logaddexp(a, 0.0)))(0.0) == pytest.approx(0.25)


def test_hypot_at_origin_has_zero_derivative():
    gx, gy = grad_sum(np.hypot, argnums=(0, 1))(np.zeros(2), np.zeros(2))
    np.testing.assert_array_equal(gx, [0.0, 0.0])
    np.testing.assert_array_equal(gy, [0.0, 0.0])


# --- astype -------------------------------------------------------------------------------
def test_astype_float_casts_are_differentiable_both_ways():
    x = np.array([0.25, 1.5])

    def f(x):
        y = x.astype(np.float32)
        assert isinstance(y, Tracer) and y.dtype == F32
        return (y * y).astype(np.float64)

    g = cr.grad(lambda x: f(x).sum())(x)
    assert g.dtype == np.float64
    np.testing.assert_array_equal(g, 2 * x)
    g32 = cr.grad(lambda x: (np.astype(x, np.float64) ** 3).sum())(x.astype(F32))
    assert g32.dtype == F32
    np.testing.assert_allclose(g32, 3 * x ** 2)
    _, t = cr.jvp(lambda x: x.astype(F32), (x,), (np.ones(2),))
    assert t.dtype == F32 and t.tolist() == [1.0, 1.0]
    # second order through two casts
    assert cr.grad(cr.grad(lambda a: a.astype(F32).astype(np.float64) ** 3))(2.0) == 12.0


def test_astype_integer_and_bool_targets_are_constants():
    x = np.array([0.7, 2.2, -1.5])

    def f(x):
        n = x.astype(int)
        b = np.astype(x, bool)
        assert not isinstance(n, Tracer) and not isinstance(b, Tracer)
        assert n.tolist() == [0, 2, -1] and b.all()
        return x * n

    np.testing.assert_array_equal(grad_sum(f)(x), [0.0, 2.0, -1.0])


def test_astype_same_dtype_and_errors():
    def same(x):
        assert x.astype(np.float64) is x
        return x

    cr.grad(same)(1.0)
    assert cr.grad(lambda x: (x.astype(np.complex128) * 1j).imag)(2.0) == 1.0
    with pytest.raises(TypeError, match="astype: cannot cast"):
        cr.grad(lambda x: x.astype("datetime64[s]"))(1.0)


# --- higher orders against closed forms -----------------------------------------------------
def _third(f):
    return cr.elementwise_grad(cr.elementwise_grad(cr.elementwise_grad(f)))


def _tanh3(x):
    t = np.tanh(x)
    return (1 - t * t) * (6 * t * t - 2)


@pytest.mark.parametrize(("f", "d3"), [
    (np.tanh, _tanh3),
    (np.exp, np.exp),
    (np.log, lambda x: 2 / x ** 3),
    (np.sqrt, lambda x: 3 / 8 * x ** -2.5),
    (np.sin, lambda x: -np.cos(x)),
    (np.sinh, np.cosh),
    (np.arcsin, lambda x: (1 + 2 * x * x) / (1 - x * x) ** 2.5),
    (np.arctan, lambda x: (6 * x * x - 2) / (1 + x * x) ** 3),
    (np.reciprocal, lambda x: -6 / x ** 4),
    (lambda x: np.logaddexp(x, 0.0), lambda x: (s := 1 / (1 + np.exp(-x))) * (1 - s) * (1 - 2 * s)),
])
def test_third_derivatives_match_closed_forms(f, d3):
    x = np.array([0.2, 0.5, 0.9])
    np.testing.assert_allclose(_third(f)(x), d3(x), rtol=1e-10)


def test_third_derivative_of_tanh_in_mixed_modes():
    x = np.array([-0.7, 0.3, 1.1])
    ones = np.ones(3)

    def second(x):  # reverse over reverse
        return cr.elementwise_grad(cr.elementwise_grad(np.tanh))(x)

    # forward over reverse over reverse
    np.testing.assert_allclose(cr.jvp(second, (x,), (ones,))[1], _tanh3(x), rtol=1e-10)

    # reverse over forward over forward
    def fwd2(x):
        def fwd1(x):
            return cr.jvp(np.tanh, (x,), (ones,))[1]

        return cr.jvp(fwd1, (x,), (ones,))[1]

    np.testing.assert_allclose(cr.elementwise_grad(fwd2)(x), _tanh3(x), rtol=1e-10)


# --- broadcasting, by hypothesis -----------------------------------------------------------
BINARY_SMOOTH = {
    "logaddexp": np.logaddexp,
    "arctan2": np.arctan2,
    "hypot": np.hypot,
    "power": lambda a, b: np.abs(a) ** b,
    "where": lambda a, b: np.where(np.arange(3) % 2 == 0, np.sin(a), b * a),
}


@settings(max_examples=25, deadline=None)
@given(
    shapes=mutually_broadcastable_shapes(num_shapes=2, max_dims=3, min_side=1, max_side=3,
                                         base_shape=(3,)),
    name=st.sampled_from(sorted(BINARY_SMOOTH)),
    seed=st.integers(0, 2**16),
)
def test_binary_broadcasting_gradients_match_finite_differences(shapes, name, seed):
    f = BINARY_SMOOTH[name]
    rng = np.random.default_rng(seed)
    a, b = (rng.choice([-1, 1], size=s) * rng.uniform(0.5, 1.5, size=s)
            for s in shapes.input_shapes)
    w = rng.standard_normal(shapes.result_shape)

    def loss(a, b):
        return cnp.sum(f(a, b) * w)

    ga, gb = cr.grad(loss, argnums=(0, 1))(a, b)
    assert ga.shape == np.shape(a) and gb.shape == np.shape(b)
    na, nb = cr.numerical_grad(loss, a, b, argnums=(0, 1))
    np.testing.assert_allclose(ga, na, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(gb, nb, rtol=1e-6, atol=1e-8)


def test_angle_conversions_are_scalings():
    assert round(float(cr.grad(cr.numpy.deg2rad)(90.0)), 6) == 0.017453
    assert round(float(cr.grad(cr.numpy.rad2deg)(1.0)), 4) == 57.2958
    assert cr.numpy.radians is cr.numpy.deg2rad and cr.numpy.rad2deg.__name__ == "rad2deg"
