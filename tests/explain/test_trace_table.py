"""Trace tables against the seeds' hand-worked tables (seed 004, seed 000, seed 003 Fig. 3.4)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import chainrule as cr
from chainrule import explain

sigma = explain.step("sigma")(lambda z: 1 / (1 + np.exp(-z)))
lin1 = explain.step("lin1")(lambda w0, w1, w2: w0 + w1 + 1.5 * w2)
lin2 = explain.step("lin2")(lambda w0, w1, w2: w0 + 1.5 * w1 - w2)


def seed004_loss(w0, w1, w2):
    """Seed 004: L(w) = (-sigma(w0 + w1 + 1.5 w2))^2 + (1 - sigma(w0 + 1.5 w1 - w2))^2."""
    v1 = lin1(w0, w1, w2)
    v2 = lin2(w0, w1, w2)
    v3, v4 = sigma(v1), sigma(v2)
    v5, v6 = 0 - v3, 1 - v4
    v7, v8 = v5**2, v6**2
    return v7 + v8


# Seed 004, "Forward and Reverse Trace": (name, value, adjoint), two decimals.
SEED_004 = [
    ("v0", -1, 0.13), ("v-1", 1.5, 0.06), ("v-2", 0.5, 0.54),
    ("v1", 1.25, 0.27), ("v2", 0.75, -0.14), ("v3", 0.78, 1.55), ("v4", 0.68, -0.64),
    ("v5", -0.78, -1.55), ("v6", 0.32, 0.64), ("v7", 0.61, 1), ("v8", 0.1, 1), ("v9", 0.71, 1),
]


def test_seed_004_table_values_and_adjoints():
    t = explain.trace(seed004_loss, -1.0, 1.5, 0.5)
    assert [r.name for r in t.rows] == [name for name, _, _ in SEED_004]
    for row, (name, value, adjoint) in zip(t.rows, SEED_004, strict=True):
        # The seed squares the rounded 0.78 (0.6084 -> 0.61); exactly, v7 = 0.6037.
        assert float(row.value) == pytest.approx(value, abs=0.011), name
        assert float(row.adjoint) == pytest.approx(adjoint, abs=0.006), name
    assert float(t.value) == pytest.approx(0.7071, abs=1e-4)
    assert np.allclose(t.gradient, (0.1293, 0.0594, 0.5435), atol=1e-4)
    exact = cr.grad(lambda w: seed004_loss(w[0], w[1], w[2]))(np.array([-1.0, 1.5, 0.5]))
    np.testing.assert_allclose(t.gradient, exact, rtol=1e-12)


def test_seed_004_expressions_and_text():
    t = explain.trace(seed004_loss, -1.0, 1.5, 0.5)
    assert [r.expression for r in t.rows] == [
        "w0", "w1", "w2", "lin1(v0, v-1, v-2)", "lin2(v0, v-1, v-2)", "sigma(v1)",
        "sigma(v2)", "0 - v3", "1 - v4", "v5 ** 2", "v6 ** 2", "v7 + v8",
    ]
    assert t.row("v3").parents == ("v1",)
    assert t.row("v9").parents == ("v7", "v8")
    assert [r.kind for r in t.rows[:4]] == ["input", "input", "input", "step"]
    assert t.row("v3").primitive == "sigma" and t.row("v9").primitive == "add"
    out = io.StringIO()
    t.show(digits=2, file=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split()[:3] == ["v", "expression", "value"]
    assert lines[9].split() == ["v5", "0", "-", "v3", "-0.78", "-0.17", "-1.55"]
    assert lines[-2].split()[-1] == "out" and "0.71" in lines[-2]
    assert str(t).splitlines()[2].split() == ["v0", "w0", "-1", "1", "0.1293"]


def test_sigma_unwrapped_shows_four_atomic_steps():
    """Seed 004's remark: sigma(z) = 1 / (1 + exp(-z)) is four atomic steps."""
    t = explain.trace(lambda z: 1 / (1 + np.exp(-z)), 1.25)
    assert [r.expression for r in t.rows] == ["z", "-v0", "exp(v1)", "1 + v2", "1 / v3"]
    s = 1 / (1 + np.exp(-1.25))
    assert float(t.gradient) == pytest.approx(s * (1 - s), rel=1e-12)
    assert float(t.rows[-1].tangent) == pytest.approx(s * (1 - s), rel=1e-12)
    # every adjoint is d out / d v_i: for v2 = exp(-z), d(1/(1+v2))/dv2 = -1/(1+v2)^2
    assert float(t.row("v2").adjoint) == pytest.approx(-1 / (1 + np.exp(-1.25)) ** 2)


def test_step_outside_trace_is_the_plain_function():
    z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(sigma(z), 1 / (1 + np.exp(-z)))
    assert sigma.__name__ == "<lambda>"
    assert float(cr.grad(sigma)(0.0)) == pytest.approx(0.25)


def seed000(w0, w1, x):
    a5 = w1 * x + w0
    return np.sin(a5), np.cos(a5)


def test_seed_000_forward_table():
    w0, w1, x = 0.3, 0.7, 2.0
    t = explain.trace(seed000, w0, w1, x, wrt="w1", cotangent=(1.0, 0.0))
    assert [r.expression for r in t.rows] == [
        "w0", "w1", "x", "v-1 * v-2", "v1 + v0", "sin(v2)", "cos(v2)",
    ]
    a5 = w1 * x + w0
    expected = [0, 1, 0, x, x, x * np.cos(a5), -x * np.sin(a5)]  # seed 000's dot a_1 ... a_7
    np.testing.assert_allclose([float(r.tangent) for r in t.rows], expected, rtol=1e-12)
    assert t.wrt == "w1"
    assert t.outputs == [("out[0]", "v3"), ("out[1]", "v4")]
    assert explain.trace(seed000, w0, w1, x, wrt=1, cotangent=(1.0, 0.0)).rows[3].tangent == x


def test_seed_000_reverse_table_for_y2():
    w0, w1, x = 0.3, 0.7, 2.0
    t = explain.trace(seed000, w0, w1, x, cotangent=(0, 1))
    a5 = w1 * x + w0
    s = np.sin(a5)
    # seed 000: bar a7 = 1, bar a6 = 0, bar a5 = -sin(a5), bar a4 = bar a5,
    # bar a3 = a2 bar a4, bar a2 = a3 bar a4, bar a1 = bar a5
    expected = {"v4": 1, "v3": 0, "v2": -s, "v1": -s, "v-2": -w1 * s, "v-1": -x * s, "v0": -s}
    for name, value in expected.items():
        assert float(t.row(name).adjoint) == pytest.approx(value, rel=1e-12, abs=1e-15)
    np.testing.assert_allclose(t.gradient, cr.vjp(seed000, w0, w1, x)[1]((0.0, 1.0)))
    assert float(t.value[1]) == pytest.approx(np.cos(a5))


def product_network(w):
    """Seed 003, Figure 3.4: five layers of two product units, output w^32."""
    h1, h2 = 1.0 * w, w * 1.0
    for _ in range(4):
        h1, h2 = h1 * h2, h2 * h1
    return h1 * h2


def test_product_network_adjoint_is_32_w_31():
    w = 1.1
    t = explain.trace(product_network, w)
    assert len(t) == 1 + 2 * 5 + 1
    assert float(t.value) == pytest.approx(w**32, rel=1e-12)
    assert float(t.gradient) == pytest.approx(32 * w**31, rel=1e-12)
    assert float(t.rows[-1].tangent) == pytest.approx(32 * w**31, rel=1e-12)
    # layer 5 units h(5, j) = w^16 each get the complementary input as adjoint: w^16
    assert float(t.rows[-2].adjoint) == pytest.approx(w**16, rel=1e-12)


def test_markdown_and_latex_cells():
    t = explain.trace(seed004_loss, -1.0, 1.5, 0.5)
    md = t.to_markdown(digits=2)
    assert md.splitlines()[0] == "| v | expression | value | tangent d/dw0 | adjoint | output |"
    assert "| v3 | sigma(v1) | 0.78 | 0.17 | 1.55 |  |" in md
    assert "| v9 | v7 + v8 | 0.71 | 0.13 | 1 | out |" in md
    tex = t.to_latex(digits=2)
    assert tex.startswith(r"\begin{tabular}{llrrr}") and tex.rstrip().endswith(r"\end{tabular}")
    assert r"$v_{3}$ & $\sigma(v_{1})$ & $0.78$ & $0.17$ & $1.55$ \\" in tex
    assert r"$v_{7}$ & $v_{5}^{2}$ & $0.6$ & $0.27$ & $1$ \\" in tex
    assert r"$v_{-2}$ & $w_{2}$ & $0.5$ & $0$ & $0.54$ \\" in tex


def test_arrays_broadcasting_match_grad_and_jvp():
    rng = np.random.default_rng(0)
    W, x, b = rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(3, 1))

    def f(W, x, b):
        return np.sum(np.tanh(W @ x + b) ** 2)

    t = explain.trace(f, W, x, b, wrt="b")
    grads = cr.grad(f, argnums=(0, 1, 2))(W, x, b)
    for got, want in zip(t.gradient, grads, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12)
    _, tangent = cr.jvp(f, (W, x, b), (np.zeros_like(W), np.zeros_like(x), np.ones_like(b)))
    assert float(t.rows[-1].tangent) == pytest.approx(float(tangent), rel=1e-12)
    assert t.row("v2").shape == (3, 3)  # (3,) + (3, 1) broadcasts
    assert t.row("W").value.shape == (3, 4) and "(3, 4) [" in str(t)


def test_inner_value_used_outside_its_step_stays_visible():
    def f(x):
        both = explain.step("pair")(lambda z: (np.exp(z), np.sin(z)))
        e, s = both(x)
        return e * s

    t = explain.trace(f, 0.5)
    assert [r.expression for r in t.rows] == ["x", "pair(v0)[0]", "pair(v0)[1]", "v1 * v2"]
    assert float(t.gradient) == pytest.approx(np.exp(0.5) * (np.sin(0.5) + np.cos(0.5)))


def test_missing_rules_show_as_unknown():
    cube = cr.Primitive("cube", lambda x: x**3)
    cube.defvjp(lambda g, ans, x: g * 3 * x**2)  # no JVP rule
    t = explain.trace(lambda x: np.sin(cube(x)), 2.0)
    assert t.rows[1].tangent is None and t.rows[2].tangent is None
    assert float(t.gradient) == pytest.approx(12 * np.cos(8.0))
    assert "  -  " in str(t)


def test_errors():
    with pytest.raises(ValueError, match="cotangent"):
        explain.trace(lambda x: x * 2.0, np.ones(3))
    with pytest.raises(ValueError, match="cotangent"):
        explain.trace(seed000, 0.0, 1.0, 2.0)
    with pytest.raises(ValueError, match="out of range"):
        explain.trace(seed000, 0.0, 1.0, 2.0, wrt=3, cotangent=(0, 1))
    with pytest.raises(ValueError, match="not a parameter"):
        explain.trace(seed000, 0.0, 1.0, 2.0, wrt="w7", cotangent=(0, 1))
    with pytest.raises(ValueError, match="structure"):
        explain.trace(seed000, 0.0, 1.0, 2.0, cotangent=(0, 1, 2))
    with pytest.raises(ValueError, match="shape"):
        explain.trace(lambda x: x * 2.0, np.ones(3), cotangent=np.ones(2))
    with pytest.raises(TypeError, match="not a floating-point"):
        explain.trace(lambda x, n: x * n, 1.0, np.arange(3), wrt=1)
    with pytest.raises(TypeError, match="another transformation|outside cr.grad"):
        cr.grad(lambda x: explain.trace(np.sin, x).value)(1.0)
    with pytest.raises(TypeError, match="non-empty string"):
        explain.step("")


def test_nested_steps_collapse_into_the_outermost():
    inner = explain.step("inner")(lambda z: z * 2.0)
    outer = explain.step("outer")(lambda z, k=1.0: inner(z) + k)
    t = explain.trace(lambda x: outer(x, k=3.0) * x, 2.0)
    assert [r.expression for r in t.rows] == ["x", "outer(v0, k=3)", "v1 * v0"]
    assert float(t.row("v1").value) == 7.0 and float(t.row("v1").adjoint) == 2.0
    assert float(t.gradient) == pytest.approx(4 * 2.0 + 3.0)  # d/dx (2x + 3) x


def test_pytree_arguments_are_labelled_by_key():
    params = {"W": np.ones((2, 2)), "b": np.zeros(2)}
    t = explain.trace(lambda p, x: np.sum(p["W"] @ x + p["b"]), params, np.array([1.0, 2.0]),
                      wrt="x")
    assert [r.expression for r in t.rows[:3]] == ["p['W']", "p['b']", "x"]
    np.testing.assert_array_equal(t.gradient[0]["W"], [[1.0, 2.0], [1.0, 2.0]])
    np.testing.assert_array_equal(t.row("x").tangent, [1.0, 1.0])
    assert float(t.rows[-1].tangent) == 4.0  # sum of W @ (1, 1)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-3, 3), min_size=3, max_size=3), st.integers(0, 2))
def test_forward_tangent_equals_reverse_adjoint(w, k):
    """Forward and reverse mode agree: d L / d w_k is both the output's tangent along w_k
    and the adjoint of w_k (seed 000, forward vs reverse mode)."""
    t = explain.trace(seed004_loss, *w, wrt=k)
    assert float(t.rows[-1].tangent) == pytest.approx(float(t.gradient[k]), rel=1e-9, abs=1e-12)
