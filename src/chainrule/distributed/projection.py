"""A projection of synchronous data-parallel throughput from measured costs (seed 003 section
3.7.2, data parallelism): a stated model with few constants, not a measurement of N machines.

Inputs, measured by the caller on one worker and one link: the compute time of a step on a
batch of b samples, ``t_c(b) = overhead + b * seconds_per_sample``; the latency of one message
``alpha`` (seconds) and the bandwidth ``beta`` (bytes/s); P parameters of ``bytes_per_element``
bytes each (8 for float64). For N workers:

- per-worker batch ``b = ceil(B / N)`` for a fixed global batch B (*strong* scaling: the
  slowest worker sets the pace), or b fixed and global batch N b (*weak* scaling);
- gradient exchange per step, zero for N = 1 (one worker keeps its parameters):
  ring all-reduce (reduce-scatter then all-gather, 2 (N - 1) messages of P / N elements each on
  every link): ``t_ar = 2 (N - 1) / N * P * bytes / beta + 2 (N - 1) * alpha``;
  parameter server (one server; its link carries N pushes of the gradient and N pulls of the
  parameters, one after another; each worker waits for one push and one pull):
  ``t_ps = 2 N P bytes / beta + 2 alpha``;
- step time ``t(N) = t_c(b) + t_comm(N)`` (the exchange starts after the backward pass: no
  overlap of communication with compute), throughput ``X(N) = N b / t(N)`` samples/s, and
  parallel efficiency ``E(N) = X(N) / (N X(1))``, which is ``t(1) / (N t(N))`` when B is fixed.

What the model leaves out: overlap of the exchange with the backward pass, contention other than
the server's link, stragglers and the time of the optimizer step; it is a lower bound on what a
careful implementation loses, and an upper bound on its throughput.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

WORKERS = (1, 2, 4, 8, 16, 32, 64)
SCHEMES = ("ring", "parameter_server")
SCALINGS = ("strong", "weak")


def ring_allreduce_seconds(n: int, parameters: int, latency: float, bandwidth: float,
                           bytes_per_element: int = 8) -> float:
    """Seconds to all-reduce P parameters over a ring of n workers (0 for n = 1):
    ``2 (n - 1) / n * P * bytes / bandwidth + 2 (n - 1) * latency``.

    Example:
        >>> ring_allreduce_seconds(4, 1000, latency=1e-3, bandwidth=8e6)  # 1.5 ms + 6 ms
        0.0075
    """
    _check_costs(latency, bandwidth, "ring_allreduce_seconds")
    if n == 1:
        return 0.0
    volume = 2 * (n - 1) / n * parameters * bytes_per_element / bandwidth
    return volume + 2 * (n - 1) * latency


def parameter_server_seconds(n: int, parameters: int, latency: float, bandwidth: float,
                             bytes_per_element: int = 8) -> float:
    """Seconds for n workers to push gradients to and pull parameters from one server
    (0 for n = 1): ``2 n P bytes / bandwidth + 2 latency``.

    Example:
        >>> parameter_server_seconds(4, 1000, latency=1e-3, bandwidth=8e6)  # 8 ms + 2 ms
        0.01
    """
    _check_costs(latency, bandwidth, "parameter_server_seconds")
    if n == 1:
        return 0.0
    return 2 * n * parameters * bytes_per_element / bandwidth + 2 * latency


def _check_costs(latency: float, bandwidth: float, op: str) -> None:
    if not (math.isfinite(latency) and latency >= 0):
        raise ValueError(f"{op}: latency must be a finite number of seconds >= 0, "
                         f"got {latency!r}")
    if not (math.isfinite(bandwidth) and bandwidth > 0):
        raise ValueError(f"{op}: bandwidth must be a finite number of bytes/s > 0, "
                         f"got {bandwidth!r}")


@dataclass(frozen=True)
class ProjectionRow:
    """One worker count: per-worker batch, seconds of compute, of communication and of a
    step, samples/s and parallel efficiency."""

    workers: int
    batch_per_worker: int
    compute_s: float
    communication_s: float
    step_s: float
    throughput: float
    efficiency: float


@dataclass(frozen=True)
class Projection:
    """The projected rows of ``project`` and the constants they came from."""

    scheme: str
    scaling: str
    batch: int
    parameters: int
    seconds_per_sample: float
    overhead: float
    latency: float
    bandwidth: float
    rows: tuple[ProjectionRow, ...]

    def row(self, workers: int) -> ProjectionRow:
        """The row of ``workers`` workers."""
        for r in self.rows:
            if r.workers == workers:
                return r
        raise KeyError(f"Projection: no row for {workers} workers; projected "
                       f"{[r.workers for r in self.rows]}")

    def to_markdown(self) -> str:
        """The rows as a Markdown table, under one line naming the model and its constants.

        Example:
            >>> p = project(1e-3, 0.0, 1e-3, 8e6, parameters=1000, batch=64, workers=(1, 4))
            >>> print(p.to_markdown().splitlines()[-1])
            | 4 | 16 | 16.000 | 7.500 | 23.500 | 2723.4 | 68.1% |
        """
        batch = "global batch" if self.scaling == "strong" else "per-worker batch"
        head = (f"Projected synchronous data parallelism ({self.scheme.replace('_', ' ')}, "
                f"{self.scaling} scaling, {batch} {self.batch}, {self.parameters} parameters; "
                f"{self.seconds_per_sample:.3g} s/sample + {self.overhead:.3g} s/step, "
                f"latency {self.latency:.3g} s, bandwidth {self.bandwidth:.3g} B/s)")
        lines = [head, "",
                 "| workers | batch/worker | compute (ms) | communication (ms) | step (ms) "
                 "| samples/s | efficiency |",
                 "|---:|---:|---:|---:|---:|---:|---:|"]
        for r in self.rows:
            lines.append(f"| {r.workers} | {r.batch_per_worker} | {1e3 * r.compute_s:.3f} "
                         f"| {1e3 * r.communication_s:.3f} | {1e3 * r.step_s:.3f} "
                         f"| {r.throughput:.1f} | {r.efficiency:.1%} |")
        return "\n".join(lines)


def project(seconds_per_sample: float, overhead: float, latency: float, bandwidth: float,
            parameters: int, batch: int, *, scheme: str = "ring", scaling: str = "strong",
            workers: tuple[int, ...] = WORKERS, bytes_per_element: int = 8) -> Projection:
    """Project throughput and efficiency of synchronous data parallelism (module docstring).

    ``batch`` is the global batch (``scaling="strong"``) or the per-worker batch
    (``"weak"``); ``scheme`` is ``"ring"`` (all-reduce) or ``"parameter_server"``.

    Example (1 ms per sample, 1 MB of gradients, 10 us latency, 1 GB/s):
        >>> p = project(1e-3, 0.0, 1e-5, 1e9, parameters=125_000, batch=64, workers=(1, 4))
        >>> r = p.row(4); r.batch_per_worker, round(r.communication_s * 1e3, 3)
        (16, 1.56)
        >>> round(r.efficiency, 3)
        0.911
    """
    if scheme not in SCHEMES:
        raise ValueError(f"project: scheme={scheme!r}; use one of {SCHEMES}")
    if scaling not in SCALINGS:
        raise ValueError(f"project: scaling={scaling!r}; use one of {SCALINGS}")
    for name, v in (("parameters", parameters), ("batch", batch), *(
            ("workers", n) for n in workers)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError(f"project: {name} must be positive integers, got {v!r}")
    if not (seconds_per_sample >= 0 and overhead >= 0 and seconds_per_sample + overhead > 0):
        raise ValueError("project: seconds_per_sample and overhead must be >= 0 and not both 0 "
                         f"(got {seconds_per_sample!r}, {overhead!r})")
    exchange = ring_allreduce_seconds if scheme == "ring" else parameter_server_seconds
    rows, one = [], None
    for n in (1, *workers):
        b = math.ceil(batch / n) if scaling == "strong" else batch
        compute = overhead + b * seconds_per_sample
        comm = exchange(n, parameters, latency, bandwidth, bytes_per_element)
        step = compute + comm
        throughput = (batch if scaling == "strong" else n * batch) / step
        if one is None:
            one = throughput  # X(1), the reference of the efficiency
            continue
        rows.append(ProjectionRow(n, b, compute, comm, step, throughput, throughput / (n * one)))
    return Projection(scheme, scaling, batch, parameters, seconds_per_sample, overhead, latency,
                      bandwidth, tuple(rows))
