"""Path sums (seed 003, Lemma 3.2.1 and Figure 3.4) against the backward sweep and cr.grad."""

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import chainrule as cr
from chainrule.explain.path_sums import PathSumReport, path_sums


def figure_3_4(w):
    """Five layers of two units; each unit multiplies the two units below it: output w^32."""
    h1, h2 = 1.0 * w, 1.0 * w  # layer 1: both units hold w
    for _ in range(4):
        h1, h2 = h1 * h2, h1 * h2
    return h1 * h2


def y2(w0, w1, x):
    """Seed 000's second output: y2 = cos(w1 x + w0)."""
    return np.cos(w1 * x + w0)


@pytest.mark.parametrize("w", [2.0, 0.9, -1.1])
def test_figure_3_4_has_32_paths_each_worth_w_to_the_31(w):
    r = path_sums(figure_3_4, w)
    assert isinstance(r, PathSumReport)
    assert r.n_paths == 32 == len(r.paths)
    assert len({names for names, _ in r.paths}) == 32  # all distinct
    for names, product in r.paths:
        assert len(names) == 7 and names[0] == "w" and names[-1] == r.output
        assert product == pytest.approx(w ** 31, rel=1e-13)
    assert r.path_sum == pytest.approx(32 * w ** 31, rel=1e-12)
    assert r.dp_derivative == pytest.approx(32 * w ** 31, rel=1e-12)
    assert r.agree
    # Each path has 6 edges (5 multiplications); the sweep spends one per edge: 2 + 4*4 + 2.
    assert (r.path_sum_multiplications, r.path_sum_additions) == (32 * 5, 31)
    assert r.dp_multiplications == len(r.edges) == 20


def test_figure_3_4_exact_at_two():
    r = path_sums(figure_3_4, 2.0)
    assert r.path_sum == r.dp_derivative == 32 * 2.0 ** 31
    # Local derivatives are the complementary inputs: w, w^2, w^4, w^8, w^16 (and 1 at layer 1).
    assert sorted({z for _, _, z in r.edges}) == [1.0, 2.0, 4.0, 16.0, 256.0, 65536.0]


@pytest.mark.parametrize("wrt, names", [
    ("w0", ("w0", "v2", "v3")),
    ("w1", ("w1", "v1", "v2", "v3")),
    ("x", ("x", "v1", "v2", "v3")),
])
def test_seed_000_y2_one_path_per_input(wrt, names):
    w0, w1, x = 0.3, 1.5, 2.0
    s = np.sin(w1 * x + w0)
    expected = {"w0": -s, "w1": -x * s, "x": -w1 * s}[wrt]
    r = path_sums(y2, w0, w1, x, wrt=wrt)
    assert r.n_paths == 1 and r.paths[0][0] == names
    assert r.path_sum == pytest.approx(expected, rel=1e-14)
    assert r.dp_derivative == pytest.approx(expected, rel=1e-14)
    assert r.path_sum_multiplications == len(names) - 2  # edges - 1
    assert r.dp_multiplications == len(names) - 1
    assert r.wrt == wrt and r.output == "v3"


def test_positional_wrt_matches_named():
    a = path_sums(y2, 0.3, 1.5, 2.0, wrt=2)
    b = path_sums(y2, 0.3, 1.5, 2.0, wrt="x")
    assert a.paths == b.paths and a.path_sum == b.path_sum


def test_equation_3_5_two_branches_and_a_repeated_edge():
    # o = sin(w^2) + cos(w^2); w*w gives two edges w -> v1, so 2 x 2 = 4 paths.
    w = 0.7
    r = path_sums(lambda w: np.sin(w * w) + np.cos(w * w), w)
    assert r.n_paths == 4
    expected = 2 * w * np.cos(w ** 2) - 2 * w * np.sin(w ** 2)
    assert r.path_sum == pytest.approx(expected, rel=1e-13)
    assert r.dp_derivative == pytest.approx(expected, rel=1e-13)


def test_output_independent_of_wrt_has_no_paths():
    r = path_sums(lambda a, b: 2.0 * a, 1.0, 5.0, wrt="b")
    assert (r.n_paths, r.path_sum, r.dp_derivative, r.dp_multiplications) == (0, 0.0, 0.0, 0)
    assert r.paths == [] and r.agree


def test_identity_is_one_empty_path():
    r = path_sums(lambda w: w, 3.0)
    assert (r.n_paths, r.path_sum, r.dp_derivative, r.path_sum_multiplications) == (1, 1.0, 1.0, 0)
    assert r.paths == [(("w",), 1.0)]


def test_keep_paths_limits_the_stored_paths_not_the_sum():
    r = path_sums(figure_3_4, 2.0, keep_paths=3)
    assert len(r.paths) == 3 and r.n_paths == 32 and r.path_sum == 32 * 2.0 ** 31


def test_too_many_paths_refused():
    with pytest.raises(ValueError, match="32 paths.*max_paths=31"):
        path_sums(figure_3_4, 2.0, max_paths=31)

    def deep(w):  # 2^21 paths: over the default cap of 10^6
        h1, h2 = 1.0 * w, 1.0 * w
        for _ in range(20):
            h1, h2 = h1 * h2, h1 * h2
        return h1 * h2

    with pytest.raises(ValueError, match="2097152 paths"):
        path_sums(deep, 1.0)


def test_array_values_refused_with_a_pointer_to_trace():
    with pytest.raises(ValueError, match="scalar graphs.*cr.explain.trace"):
        path_sums(lambda w: np.sum(w * np.ones(3)), 1.0)
    with pytest.raises(ValueError, match=r"shape \(2,\).*scalar graphs"):
        path_sums(lambda w: w, np.ones(2))


def test_bad_arguments():
    with pytest.raises(ValueError, match="wrt='z'"):
        path_sums(y2, 0.0, 1.0, 2.0, wrt="z")
    with pytest.raises(TypeError, match="not a float"):
        path_sums(lambda w, n: w * n, 1.0, True, wrt=1)
    with pytest.raises(ValueError, match="one scalar computed from its inputs"):
        path_sums(lambda w: 3.0, 1.0)
    with pytest.raises(TypeError, match="must be callable"):
        path_sums(3.0, 1.0)


def test_show_prints_the_counts():
    buf = io.StringIO()
    path_sums(figure_3_4, 2.0).show(max_paths=2, file=buf)
    text = buf.getvalue()
    assert "32 path(s) over 20 edge(s)" in text
    assert "160 multiplication(s), 31 addition(s)" in text
    assert "20 multiplication(s), one per edge" in text
    assert "... 30 more path(s)" in text
    assert str(path_sums(figure_3_4, 2.0)).startswith("d v")


_UNARY = {"sin": np.sin, "exp": lambda v: np.exp(0.3 * v), "tanh": np.tanh}


@settings(max_examples=30, derandomize=True, deadline=None)
@given(
    ops=st.lists(
        st.tuples(st.sampled_from(["add", "mul", "sin", "exp", "tanh"]),
                  st.integers(0, 100), st.integers(0, 100)),
        min_size=1, max_size=8,
    ),
    w=st.floats(-1.5, 1.5),
)
def test_random_scalar_graphs_agree_with_grad(ops, w):
    def f(w, c):
        nodes = [w, c * w]
        for op, a, b in ops:
            u, v = nodes[a % len(nodes)], nodes[b % len(nodes)]
            if op == "add":
                nodes.append(u + v)
            elif op == "mul":
                nodes.append(u * v)
            else:
                nodes.append(_UNARY[op](u))
        return nodes[-1] + 0.0 * w

    r = path_sums(f, w, 0.5)
    expected = float(cr.grad(f)(w, 0.5))
    assert r.agree
    assert r.dp_derivative == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert r.path_sum == pytest.approx(expected, rel=1e-9, abs=1e-9)
    assert r.dp_multiplications == len(r.edges)
