"""The data-parallel projection on hand-computed values, and the measured communication
constants (positive and finite, in well under 2 s)."""

import math
import time
from itertools import pairwise

import pytest

from chainrule.distributed.communication import measure_communication
from chainrule.distributed.projection import (
    WORKERS,
    parameter_server_seconds,
    project,
    ring_allreduce_seconds,
)


def test_exchange_costs_by_hand():
    # P = 1000 float64 = 8000 bytes, bandwidth 8e6 B/s (1 ms per P), latency 1 ms
    assert ring_allreduce_seconds(1, 1000, 1e-3, 8e6) == 0.0
    assert parameter_server_seconds(1, 1000, 1e-3, 8e6) == 0.0
    assert ring_allreduce_seconds(4, 1000, 1e-3, 8e6) == pytest.approx(2 * 3 / 4 * 1e-3 + 6e-3)
    assert ring_allreduce_seconds(2, 1000, 0.0, 8e6) == pytest.approx(1e-3)
    assert ring_allreduce_seconds(4, 1000, 0.0, 8e6, bytes_per_element=4) == pytest.approx(
        0.75e-3)
    assert parameter_server_seconds(4, 1000, 1e-3, 8e6) == pytest.approx(8e-3 + 2e-3)
    # the ring's volume per worker tends to 2 P bytes; the server's grows with N
    assert ring_allreduce_seconds(64, 1000, 0.0, 8e6) < 2e-3
    assert parameter_server_seconds(64, 1000, 0.0, 8e6) == pytest.approx(128e-3)


def test_strong_scaling_by_hand():
    # global batch 64, 1 ms per sample, 2 ms overhead; P = 1000 (8000 B), 8e6 B/s, 1 ms latency
    p = project(1e-3, 2e-3, 1e-3, 8e6, parameters=1000, batch=64, workers=(1, 2, 4))
    assert [r.workers for r in p.rows] == [1, 2, 4]
    one, four = p.row(1), p.row(4)
    assert (one.batch_per_worker, one.communication_s) == (64, 0.0)
    assert one.step_s == pytest.approx(0.066) and one.efficiency == pytest.approx(1.0)
    assert one.throughput == pytest.approx(64 / 0.066)
    assert four.batch_per_worker == 16
    assert four.compute_s == pytest.approx(0.018)
    assert four.communication_s == pytest.approx(7.5e-3)
    assert four.throughput == pytest.approx(64 / 0.0255)
    assert four.efficiency == pytest.approx(0.066 / (4 * 0.0255))


def test_uneven_strong_scaling_waits_for_the_largest_share():
    r = project(1e-3, 0.0, 0.0, 1e9, parameters=1, batch=10, workers=(4,)).row(4)
    assert r.batch_per_worker == 3 and r.throughput == pytest.approx(10 / 3e-3, rel=1e-5)


def test_efficiency_falls_with_workers_when_latency_is_positive():
    for scheme in ("ring", "parameter_server"):
        for scaling in ("strong", "weak"):
            p = project(1e-4, 0.0, 1e-4, 1e12, parameters=10, batch=64 * 64, scheme=scheme,
                        scaling=scaling)
            assert [r.workers for r in p.rows] == list(WORKERS)
            eff = [r.efficiency for r in p.rows]
            assert eff[0] == 1.0 and all(b < a for a, b in pairwise(eff))
    # no communication cost and no overhead: perfect scaling either way
    free = project(1e-4, 0.0, 0.0, 1e300, parameters=1, batch=64)
    assert all(r.efficiency == pytest.approx(1.0) for r in free.rows)


def test_weak_versus_strong():
    args = (1e-3, 1e-3, 1e-4, 1e8)
    strong = project(*args, parameters=100_000, batch=64, scaling="strong").row(8)
    weak = project(*args, parameters=100_000, batch=64, scaling="weak").row(8)
    assert strong.batch_per_worker == 8 and weak.batch_per_worker == 64
    assert strong.communication_s == weak.communication_s
    assert weak.throughput == pytest.approx(8 * 64 / (1e-3 + 64e-3 + weak.communication_s))
    # more work per step hides the same exchange better
    assert weak.efficiency > strong.efficiency


def test_markdown_table():
    text = project(1e-3, 0.0, 1e-3, 8e6, parameters=1000, batch=64,
                   workers=(1, 4)).to_markdown()
    lines = text.splitlines()
    assert "ring, strong scaling, global batch 64, 1000 parameters" in lines[0]
    assert lines[2].startswith("| workers | batch/worker |")
    assert lines[4] == "| 1 | 64 | 64.000 | 0.000 | 64.000 | 1000.0 | 100.0% |"
    assert lines[5] == "| 4 | 16 | 16.000 | 7.500 | 23.500 | 2723.4 | 68.1% |"


def test_bad_arguments_name_the_problem():
    with pytest.raises(ValueError, match="scheme='tree'"):
        project(1e-3, 0.0, 0.0, 1e9, 10, 8, scheme="tree")
    with pytest.raises(ValueError, match="scaling='both'"):
        project(1e-3, 0.0, 0.0, 1e9, 10, 8, scaling="both")
    with pytest.raises(ValueError, match="batch must be positive integers, got 0"):
        project(1e-3, 0.0, 0.0, 1e9, 10, 0)
    with pytest.raises(ValueError, match="bandwidth must be a finite number of bytes/s > 0"):
        project(1e-3, 0.0, 0.0, 0.0, 10, 8)
    with pytest.raises(ValueError, match="latency must be"):
        ring_allreduce_seconds(2, 10, -1.0, 1e9)
    with pytest.raises(KeyError, match="no row for 3 workers"):
        project(1e-3, 0.0, 0.0, 1e9, 10, 8).row(3)
    with pytest.raises(ValueError, match="parameters must be a positive integer"):
        measure_communication(parameters=0)


def test_measured_constants_are_positive_and_finite():
    start = time.perf_counter()
    c = measure_communication(parameters=100_000, repeats=3, pings=50)
    assert time.perf_counter() - start < 2.0
    assert c.nbytes == 800_000 and c.parameters == 100_000
    assert c.latency == pytest.approx(c.round_trip / 2)
    for v in (c.latency, c.pipe_bandwidth, c.shared_memory_bandwidth):
        assert 0 < v < math.inf
    assert c.latency < 0.1  # a small message between two local processes
