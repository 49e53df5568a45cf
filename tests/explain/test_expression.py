"""The restricted formula language of ``chainrule trace``/``graph``: values, order, refusals."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import chainrule as cr
from chainrule import explain
from chainrule.explain.expression import parse

# (formula, variables in first-appearance order, the same formula written in NumPy)
VALID = [
    ("sin(w1*x + w0)", ("w1", "x", "w0"), lambda w1, x, w0: np.sin(w1 * x + w0)),
    ("2*x**2 - 1e-3/y", ("x", "y"), lambda x, y: 2 * x**2 - 1e-3 / y),
    ("-x**2", ("x",), lambda x: -(x**2)),
    ("x**-1 + +x", ("x",), lambda x: 1 / x + x),
    ("2**3**2 * x", ("x",), lambda x: 512.0 * x),
    ("a - b - c", ("a", "b", "c"), lambda a, b, c: (a - b) - c),
    ("a / b / c", ("a", "b", "c"), lambda a, b, c: (a / b) / c),
    ("(a + b) * c", ("a", "b", "c"), lambda a, b, c: (a + b) * c),
    ("1.5E+1 * .5 + 3. * z", ("z",), lambda z: 7.5 + 3 * z),
    ("exp(log(sqrt(x)))", ("x",), lambda x: np.sqrt(x)),
    ("tan(x) + cos(x) + tanh(x)", ("x",), lambda x: np.tan(x) + np.cos(x) + np.tanh(x)),
    ("sigmoid(x) * abs(y)", ("x", "y"), lambda x, y: np.abs(y) / (1 + np.exp(-x))),
    ("relu(x) + relu(-y)", ("x", "y"), lambda x, y: max(x, 0) + max(-y, 0)),
    ("softplus(x - y)", ("x", "y"), lambda x, y: np.log1p(np.exp(x - y))),
    ("x_1 * x_1 * X", ("x_1", "X"), lambda x_1, X: x_1 * x_1 * X),
]


@pytest.mark.parametrize(("text", "names", "reference"), VALID)
def test_values_match_numpy_and_variables_keep_first_appearance_order(text, names, reference):
    e = parse(text)
    assert e.variables == names
    point = [0.7 + 0.3 * k for k in range(len(names))]
    assert float(e.function()(*point)) == pytest.approx(float(reference(*point)), rel=1e-12)


@given(st.floats(-3, 3), st.floats(-3, 3), st.floats(0.1, 3))
def test_random_points_and_reordered_arguments(a, b, c):
    e = parse("a*sin(b) - c**1.5 / (1 + exp(-a*b)) + log(c)")
    expected = a * np.sin(b) - c**1.5 / (1 + np.exp(-a * b)) + np.log(c)
    assert float(e.function()(a, b, c)) == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert float(e.function(order=["c", "a", "b"])(c, a, b)) == pytest.approx(
        expected, rel=1e-12, abs=1e-12)


def test_derivatives_of_a_parsed_formula_agree_with_finite_differences():
    f = parse("sigmoid(w*x + b) * softplus(x) + tanh(w)**2").function()
    cr.check_grad(f, 0.3, -1.2, 0.8)
    assert cr.grad(parse("x**3").function())(2.0) == pytest.approx(12.0)


def test_seed_000_trace_of_a_parsed_formula():
    """Seed 000: y = cos(w1 x + w0); dy/dw1 = -x sin(w1 x + w0), dy/dw0 = -sin(...)."""
    f = parse("cos(w1*x + w0)").function(order=["w0", "w1", "x"])
    t = explain.trace(f, 0.5, 2.0, 1.5, wrt="w1")
    s = np.sin(2.0 * 1.5 + 0.5)
    assert [r.expression for r in t.rows] == ["w0", "w1", "x", "v-1 * v-2", "v1 + v0", "cos(v2)"]
    assert [float(g) for g in t.gradient] == pytest.approx([-s, -1.5 * s, -2.0 * s])
    assert float(t.rows[-1].tangent) == pytest.approx(-1.5 * s)


def test_sigmoid_and_relu_are_one_row_each():
    t = explain.trace(parse("sigmoid(x) + relu(x)").function(), -0.5)
    assert [r.expression for r in t.rows] == ["x", "sigmoid(v0)", "relu(v0)", "v1 + v2"]
    assert float(t.gradient) == pytest.approx(np.exp(0.5) / (1 + np.exp(0.5)) ** 2)


HOSTILE = [
    ("__import__('os')", "double underscores"),
    ("x.__class__", r"attribute access \('.'\) is not allowed"),
    ("().__class__.__bases__", "attribute access"),
    ("lambda: 1", "keyword 'lambda' is not allowed"),
    ("[x for x in y]", r"subscripts and lists \('\['\) are not allowed"),
    ("x[0]", "subscripts"),
    ('"a"', "strings are not allowed"),
    ("9**9**9", "exponent of magnitude 3.8742e\\+08"),
    ("2**100000", "exponent of magnitude 100000"),
    ("x**-(1000+1)", "exponent of magnitude 1001"),
    ("x" * 3000, "3000 characters are not allowed; the limit is 2000"),
    ("(" * 100 + "x" + ")" * 100, "nesting deeper than 50"),
    ("-" * 60 + "x", "nesting deeper than 50"),
    ("system(1)", "unknown function 'system' is not allowed"),
    ("sin(x=1)", "keyword arguments"),
    ("sin(x, y)", "takes one argument"),
    ("x < 1", "comparisons"),
    ("x and y", "keyword 'and'"),
    ("not x", "keyword 'not'"),
    ("x if y else z", "keyword 'if'"),
    ("{x}", "dicts and sets"),
    ("x % 2", "modulo"),
    ("x @ y", "matrix products"),
    ("2x", "malformed"),
    ("1e999", "too large for float64"),
    ("(x, y)", "tuples"),
    ("()", "empty parentheses"),
    ("sin", "must be called"),
    ("x +", "expected a number, a name"),
    ("x y", "unexpected 'y' at column 3"),
    ("(x", r"expected '\)'"),
    ("", "empty"),
    ("x;y", "character ';'"),
]


@pytest.mark.parametrize(("text", "message"), HOSTILE)
def test_hostile_input_is_refused_with_a_clear_message(text, message):
    with pytest.raises(ValueError, match=message):
        parse(text)


def test_refusals_list_what_is_allowed():
    with pytest.raises(ValueError, match="allowed: numbers, variable names.*sigmoid, abs, relu"):
        parse("__import__('os').system('ls')")


def test_unknown_names_are_refused_when_the_known_names_are_given():
    assert parse("x * y", names=["y", "x", "z"]).variables == ("x", "y")
    with pytest.raises(ValueError, match=r"unknown name\(s\) \['q'\].*known names are \['x'\]"):
        parse("q * x", names=["x"])


def test_limits_are_exact():
    assert parse("(" * 49 + "x" + ")" * 49).variables == ("x",)
    with pytest.raises(ValueError, match="nesting"):
        parse("(" * 50 + "x" + ")" * 50)
    assert parse(" + ".join(["x"] * 201)).variables == ("x",)  # 200 additions
    with pytest.raises(ValueError, match="more than 200 operations"):
        parse(" + ".join(["x"] * 202))
    assert float(parse("x**1000").function()(1.0)) == 1.0
    assert float(parse("x**(-1000)").function()(1.0)) == 1.0
    assert parse("x" * 2000).variables == ("x" * 2000,)
    with pytest.raises(ValueError, match="2001 characters"):
        parse("x" * 2001)


def test_function_checks_its_arguments():
    e = parse("x * y")
    with pytest.raises(TypeError, match=r"takes 2 argument\(s\) \['x', 'y'\], got 1"):
        e.function()(1.0)
    with pytest.raises(ValueError, match="must list the variables"):
        e.function(order=["x", "z"])
    with pytest.raises(TypeError, match="as a str"):
        parse(3)  # type: ignore[arg-type]
