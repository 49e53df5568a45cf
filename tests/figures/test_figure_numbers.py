"""The numbers behind chainrule.figures: optimizer paths checked against closed forms, the step
counts the legends print, the activation derivatives of Figure 3.10 and the seeds' tables."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from chainrule import figures
from chainrule.figures import canvas, descent_figures, tables
from chainrule.figures.surfaces import CLIFF_MINIMUM, elliptical_bowl, rosenbrock, saddle


def first_step_below(loss_at, target=1e-6, limit=10_000):
    return next(t for t in range(limit) if loss_at(t) <= target)


def test_circular_bowl_one_step_to_the_centre():
    circle = figures.bowl_runs()["circle"]
    assert circle.points.tolist() == [[-1.5, 1.0], [0.0, 0.0]]  # w - 0.5 * 2w = 0, exactly
    assert circle.steps_to_target == 1 and "after 1 step" in circle.legend


def test_elliptical_bowl_zig_zags_as_the_closed_form_says():
    ell = figures.bowl_runs()["ellipse"]
    t = np.arange(ell.steps + 1)
    # alpha = 0.2: x <- (1 - 0.4) x, y <- (1 - 1.6) y
    np.testing.assert_allclose(ell.points[:, 0], -1.5 * 0.6 ** t, rtol=1e-12)
    np.testing.assert_allclose(ell.points[:, 1], (-0.6) ** t, rtol=1e-12)
    assert np.all(np.sign(ell.points[1:, 1]) == -np.sign(ell.points[:-1, 1]))  # zig-zag
    assert ell.steps_to_target == first_step_below(lambda k: 6.25 * 0.36 ** k) == 16
    assert "after 16 steps" in ell.legend


def test_momentum_needs_far_fewer_steps_than_gradient_descent():
    runs = figures.momentum_runs()
    gd, mom = runs["same_rate"]["gd"], runs["same_rate"]["momentum"]
    # alpha = 0.24: x <- 0.52 x, y <- -0.92 y; the y direction zig-zags for 92 steps
    expected = first_step_below(lambda k: 2.25 * 0.52 ** (2 * k) + 4 * 0.92 ** (2 * k))
    assert gd.steps_to_target == expected == 92
    assert mom.steps_to_target == 9 and gd.steps_to_target > 5 * mom.steps_to_target
    assert "after 92 steps" in gd.legend and "after 9 steps" in mom.legend
    tuned = {k: r.steps_to_target for k, r in runs["tuned"].items()}
    assert tuned == {"gd": 16, "momentum": 10, "nesterov": 11, "adam": 124}
    for run in [gd, mom, *runs["tuned"].values()]:
        assert elliptical_bowl(run.final) <= 1e-6 < elliptical_bowl(run.points[-2])
        assert f"after {run.steps_to_target} steps" in run.legend


def test_rosenbrock_runs():
    runs = figures.rosenbrock_runs()
    counts = {k: r.steps_to_target for k, r in runs.items()}
    assert counts == {"gd": None, "momentum": 1386, "nesterov": 1426, "adam": 1139}
    gd = runs["gd"]
    assert gd.steps == descent_figures.ROSENBROCK_STEPS and 0.05 < gd.losses[-1] < 0.1
    assert gd.legend.endswith(f"L = {gd.losses[-1]:.2g} after 2000 steps")
    for key in ("momentum", "nesterov", "adam"):
        assert np.linalg.norm(runs[key].final - 1.0) < 3e-3
        assert rosenbrock(runs[key].final) <= 1e-6


def test_cliff_unclipped_step_shoots_far_and_clipped_does_not():
    runs = figures.cliff_runs()
    plain, clipped = runs["plain"], runs["clipped"]
    jump = int(np.argmax(plain.step_lengths))
    # both runs are the same on the plateau, until the edge of the cliff
    np.testing.assert_allclose(plain.points[:jump + 1], clipped.points[:jump + 1], rtol=1e-12)
    assert 0.5 < plain.points[jump, 0] < 1.0 and plain.points[jump + 1, 0] > 12.0
    assert plain.step_lengths[jump] > 11.0
    assert clipped.step_lengths.max() <= 1.0 + 1e-12  # alpha * max_norm
    minimum = np.array(CLIFF_MINIMUM)
    before = np.linalg.norm(plain.points[jump] - minimum)
    assert np.linalg.norm(plain.points[jump + 1] - minimum) > 2.5 * before  # overshoot
    assert np.linalg.norm(clipped.final - minimum) < 1.0 < 3.0 < np.linalg.norm(
        plain.final - minimum)


def test_saddle_newton_lands_on_it_and_gradient_descent_escapes():
    runs = figures.saddle_runs()
    newton, gd = runs["newton"], runs["gd"]
    assert newton.points.tolist() == [[1.0, 0.3], [0.0, 0.0]] and newton.steps_to_target == 1
    t = np.arange(gd.steps + 1)
    np.testing.assert_allclose(gd.points[:, 0], 0.8 ** t, rtol=1e-12)
    np.testing.assert_allclose(gd.points[:, 1], 0.3 * 1.2 ** t, rtol=1e-12)
    assert np.all(np.diff(np.abs(gd.points[:, 1])) > 0)
    assert np.all(np.diff(gd.losses) < 0) and gd.losses[-1] < -7


@pytest.mark.parametrize("start", [(1.0, 0.3), (-0.8, 0.5), (0.2, -1.5), (-3.0, 2.9), (0.0, 1.0)])
def test_a_newton_step_from_any_start_lands_on_the_saddle(start):
    np.testing.assert_allclose(figures.newton_step(saddle, np.array(start)), 0.0, atol=1e-15)


@pytest.mark.parametrize("start", [(1.0, 0.3), (-0.8, 0.5), (0.5, -0.49)])
def test_minimize_newton_stops_on_the_saddle_in_one_step(start):
    traj, res = figures.newton_path(saddle, start)
    assert res.success and res.nit == 1 and traj.points[-1].tolist() == [0.0, 0.0]


def test_activation_derivatives_of_figure_3_10():
    d = figures.activation_derivatives()
    x, s, ds = d["sigmoid"]
    np.testing.assert_allclose(ds, s * (1 - s), rtol=1e-12, atol=1e-300)
    assert ds.max() == pytest.approx(0.25, abs=1e-15) and x[np.argmax(ds)] == 0.0
    x, th, dth = d["tanh"]
    np.testing.assert_allclose(dth, 1 - th ** 2, atol=1e-15)
    assert dth.max() == pytest.approx(1.0, abs=1e-15) and x[np.argmax(dth)] == 0.0
    x, _, drelu = d["ReLU"]
    assert np.array_equal(drelu, (x > 0).astype(float))
    x, _, dhard = d["hard tanh"]
    assert np.array_equal(dhard, (np.abs(x) <= 1).astype(float))


SEED004_ROWS = {"v1": 1.25, "v2": 0.75, "v3": 0.78, "v4": 0.68, "v5": -0.78, "v6": 0.32,
                "v8": 0.1, "v9": 0.71}


def test_seed004_table_holds_the_seeds_values():
    md = tables.seed004_report(markdown=True)
    assert "chainrule: L = 0.71, gradient (0.13, 0.06, 0.54)" in md
    # the seed's layout comes first in the file: its rows are the first v0 ... v9 found
    seed_rows = {}
    for m in re.finditer(r"^\| (v-?\d+) \| [^|]+ \| ([^|]+) \| [^|]+ \| ([^|]+) \|", md, re.M):
        seed_rows.setdefault(m.group(1), (m.group(2).strip(), m.group(3).strip()))
    assert len(seed_rows) == 12
    adjoints = [round(float(seed_rows[v][1]), 2) for v in ("v0", "v-1", "v-2")]
    assert adjoints == [0.13, 0.06, 0.54]
    for name, value in SEED004_ROWS.items():
        assert round(float(seed_rows[name][0]), 2) == value, name
    text = tables.seed004_report(markdown=False)
    assert "L = 0.71, gradient (0.13, 0.06, 0.54)" in text and "| v0 |" not in text
    assert re.search(r"^v9\s+v7 \+ v8\s+0\.7071\s", text, flags=re.M)


def test_seed000_traces_match_the_closed_forms():
    t = tables.seed000_table()
    w0, w1, x = 0.5, 1.2, 2.0
    a5 = w1 * x + w0
    assert float(t.row("v3").tangent) == pytest.approx(x * math.cos(a5), rel=1e-12)
    assert float(t.row("v4").tangent) == pytest.approx(-x * math.sin(a5), rel=1e-12)
    grads = [float(g) for g in t.gradient]
    assert grads == pytest.approx([-math.sin(a5), -x * math.sin(a5), -w1 * math.sin(a5)])
    text = tables.seed000_report(markdown=False)
    assert f"(x cos(a5) = {x * math.cos(a5):.6f})" in text
    assert f"dy2/dw1 = {-x * math.sin(a5):.6f}" in text


def test_path_sums_of_figure_3_4():
    r = tables.path_sum_report()
    assert r.n_paths == 32 and r.agree
    assert r.path_sum == r.dp_derivative == 32 * 2.0 ** 31
    assert all(v == 2.0 ** 31 for _, v in r.paths)
    md = tables.path_sum_markdown(r)
    assert len(re.findall(r"^\| \d+ \| w -> .* \| 2147483648 \|$", md, flags=re.M)) == 32
    assert "32 w^31 = 68719476736" in md
    assert tables.path_sum_text(r).count("    2.14748e+09") == 32


def test_cost_table_counts_passes():
    t = tables.costs((1, 3), repeats=1)
    assert [(r.n, r.m, r.fwd_passes, r.rev_sweeps) for r in t.rows] == [
        (1, 1, 1, 1), (1, 3, 1, 3), (3, 1, 3, 1), (3, 3, 3, 3)]
    md = tables.cost_markdown(t)
    assert md.count("\n| ") == 5 and "| 3 | 1 | 3 | 1 |" in md


def test_select_and_registry_entries():
    assert figures.select(None) == list(figures.FIGURES)
    assert figures.select(" fig3_9_bowls,seed004_trace,fig3_9_bowls ") == [
        "fig3_9_bowls", "seed004_trace"]
    with pytest.raises(ValueError, match=r"unknown figure name\(s\) \['nope'\].*fig3_9_bowls"):
        figures.select("fig3_9_bowls,nope")
    with pytest.raises(ValueError, match="no figure names"):
        figures.select(" , ")
    for name, entry in figures.FIGURES.items():
        assert re.fullmatch(r"[a-z0-9_]+", name) and entry.title and entry.seed.startswith("seed")


def test_tables_need_no_matplotlib_and_pictures_say_which_extra(tmp_path, monkeypatch):
    monkeypatch.setattr(canvas, "matplotlib_available", lambda: False)
    with pytest.raises(ImportError, match=r"chainrule\[plots\]"):
        figures.write_figures(tmp_path, only="fig3_9_bowls")
    assert not (tmp_path / "fig3_9_bowls.png").exists()
    paths = figures.write_figures(tmp_path / "t", only="seed000_traces,fig3_4_path_sums")
    assert [p.rsplit("/", 1)[1] for p in paths] == [
        "seed000_traces.md", "seed000_traces.txt", "fig3_4_path_sums.md",
        "fig3_4_path_sums.txt", "index.md"]
    with pytest.raises(ValueError, match="format 'gif' is not supported"):
        figures.write_figures(tmp_path, only="seed000_traces", fmt="gif")
