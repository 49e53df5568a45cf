"""Jacobian cost table: observed pass counts, agreement of the modes, auto's choice (no timings)."""

import io

import numpy as np
import pytest

import chainrule as cr
from chainrule.explain.cost import CostRow, CostTable, _counted_layer, cost_table

NS, MS = (1, 2, 5), (1, 3, 4)


@pytest.fixture(scope="module")
def table():
    return cost_table(ns=NS, ms=MS, repeats=2)


def test_one_row_per_pair_in_order(table):
    assert isinstance(table, CostTable)
    assert [(r.n, r.m) for r in table.rows] == [(n, m) for n in NS for m in MS]
    assert all(isinstance(r, CostRow) for r in table.rows)


def test_pass_counts_are_n_forward_and_m_reverse(table):
    for r in table.rows:
        assert r.fwd_passes == r.n
        assert r.rev_sweeps == r.m


def test_modes_agree(table):
    for r in table.rows:
        assert r.max_difference < 1e-12


def test_auto_takes_the_side_with_fewer_passes(table):
    for r in table.rows:
        assert r.auto_mode == ("fwd" if r.n <= r.m else "rev")
        assert min(r.fwd_passes, r.rev_sweeps) == (r.fwd_passes if r.auto_mode == "fwd"
                                                   else r.rev_sweeps)


def test_times_are_recorded(table):
    for r in table.rows:
        assert r.fwd_seconds >= 0 and r.rev_seconds >= 0  # recorded, never compared
        assert r.faster in ("fwd", "rev")


def test_counted_layer_jacobian_is_analytic():
    rng = np.random.default_rng(1)
    a, x = rng.standard_normal((3, 4)), rng.standard_normal(4)
    f, counts = _counted_layer(a)
    expected = (1 - np.tanh(a @ x) ** 2)[:, None] * a
    for mode, passes in (("fwd", 4), ("rev", 3)):
        before = counts[mode]
        np.testing.assert_allclose(cr.jacobian(f, mode=mode)(x), expected, rtol=1e-13)
        assert counts[mode] - before == passes


def test_row_lookup_and_show(table):
    assert table.row(5, 3).fwd_passes == 5
    with pytest.raises(KeyError, match="n=7, m=1"):
        table.row(7, 1)
    buf = io.StringIO()
    table.show(file=buf)
    lines = buf.getvalue().splitlines()
    assert lines[0].split() == ["n", "m", "fwd", "passes", "rev", "sweeps", "fwd", "ms",
                                "rev", "ms", "faster", "auto"]
    assert len(lines) == 2 + len(NS) * len(MS) + 1
    assert lines[2].split()[:4] == ["1", "1", "1", "1"]
    assert str(table) == buf.getvalue().rstrip("\n")


@pytest.mark.parametrize("kwargs, match", [
    ({"ns": ()}, "ns must be a non-empty"),
    ({"ms": (0, 2)}, "ms must be a non-empty"),
    ({"ns": (1.5,)}, "ns must be a non-empty"),
    ({"repeats": 0}, "repeats must be a positive integer"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        cost_table(**kwargs)


def test_non_sequence_sizes():
    with pytest.raises(TypeError, match="ns must be a sequence"):
        cost_table(ns=3)
