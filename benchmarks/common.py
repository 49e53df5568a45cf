"""Shared helpers of the benchmark scripts: timing medians, optional imports, the result table.

Every script measures chainrule against the hand-written NumPy version of the same computation
*in the same process* (hand NumPy = 1.00), with HIPS autograd and PyTorch CPU eager beside it
when they are installed. Nothing here is imported by the library or its tests.

Timing method (``Table.measure``): every library gets a warm-up of at least 3 calls and 0.1 s;
then the number of calls per sample is chosen so that one sample lasts at least ``min_sample``
seconds (so that the timer's resolution and the loop overhead do not matter for microsecond
workloads). Samples are then taken with ``time.perf_counter`` in interleaved rounds (one sample
of each library per round, the order rotating), with the garbage collector paused during each
sample as ``timeit`` does, until ``budget`` seconds per library are spent (at least 7 rounds).
The result is each library's median time per call.

This machine has 2 cores, and NumPy's BLAS uses both: anything else running (a test suite, a
build) slows multi-threaded BLAS calls several-fold. Rounds are therefore grouped in blocks of
0.25 s, the CPU used by other processes is read from /proc/stat for each block, blocks with
more than 20% of it are set aside, and the median comes from the quiet blocks; the line under
each table says how many rounds were kept, or says NOISY when too few were quiet (rerun then).
PyTorch, which has its own thread pool, is timed in a phase of its own (see ``Table``).
"""

from __future__ import annotations

import argparse
import cProfile
import ctypes
import gc
import glob
import importlib
import importlib.metadata
import io
import os
import platform
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

INSTALL_HINTS = {
    "autograd": "pip install autograd",
    "torch": "pip install torch  (CPU wheel)",
}


# --- environment --------------------------------------------------------------------------
def blas_threads() -> int:
    """The number of threads NumPy's BLAS (OpenBLAS as shipped in NumPy wheels) uses."""
    libdir = os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs")
    for path in glob.glob(os.path.join(libdir, "*openblas*")):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for sym in (
            "scipy_openblas_get_num_threads64_",
            "scipy_openblas_get_num_threads",
            "openblas_get_num_threads64_",
            "openblas_get_num_threads",
        ):
            fn = getattr(lib, sym, None)
            if fn is not None:
                return int(fn())
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        if os.environ.get(var, "").isdigit():
            return int(os.environ[var])
    return os.cpu_count() or 1


def optional(name: str) -> Any:
    """Import a comparison library, or print how to install it and return None."""
    try:
        module = importlib.import_module(name)
    except ImportError:
        print(f"{name}: not installed ({INSTALL_HINTS.get(name, 'pip install ' + name)})")
        return None
    if name == "torch":
        module.set_num_threads(blas_threads())
    return module


def header(title: str, workload: str) -> None:
    """Print what is measured and on what."""
    print(f"== {title} ==")
    print(workload)
    cpu = platform.processor() or platform.machine()
    print(
        f"python {platform.python_version()}, numpy {np.__version__} "
        f"(BLAS threads: {blas_threads()}), {os.cpu_count()} CPUs, {cpu}"
    )
    for name in ("autograd", "torch"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        extra = ""
        if name == "torch":
            module.set_num_threads(blas_threads())
            extra = f", torch.set_num_threads({module.get_num_threads()}) to match NumPy's BLAS"
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = getattr(module, "__version__", "?")
        print(f"{name} {version}{extra}")
    print()


def parse_args(description: str, profile: bool = False) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="shorter timing budget (smoke run)")
    if profile:
        p.add_argument(
            "--profile",
            action="store_true",
            help="also print a cProfile of chainrule on this workload (top 15 by tottime)",
        )
    return p.parse_args()


# --- timing -------------------------------------------------------------------------------
def measure(fn: Callable[[], Any], budget: float = 2.0, min_sample: float = 2e-3) -> float:
    """Median seconds per call of ``fn()`` alone (a one-row ``Table``)."""
    t = Table("")
    t.add("fn", fn)
    t.measure(budget, min_sample=min_sample)
    value = t.value("fn")
    assert value is not None
    return value


def fmt_time(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:8.1f} us"
    if seconds < 1:
        return f"{seconds * 1e3:8.2f} ms"
    return f"{seconds:8.3f} s "


def fmt_bytes(n: float) -> str:
    return f"{n / 2**20:8.1f} MiB"


# --- checking -----------------------------------------------------------------------------
def flat(tree: Any) -> list[Any]:
    """The leaves of nested tuples / lists / dicts, in order."""
    if isinstance(tree, list | tuple):
        return [leaf for t in tree for leaf in flat(t)]
    if isinstance(tree, dict):
        return [leaf for k in tree for leaf in flat(tree[k])]
    return [tree]


def assert_close(
    name: str, got: Any, want: Any, rtol: float, atol: float = 0.0, rel_atol: float = 0.0,
    reference: str = "the hand-written NumPy version",
) -> None:
    """Compare two lists of arrays; raise with the worst mismatch.

    ``rel_atol`` adds an absolute tolerance relative to the largest entry of each expected
    array (for float32 sums whose order differs between libraries); ``reference`` names what
    ``want`` came from in the message.
    """
    got_l = list(got) if isinstance(got, list | tuple) else [got]
    want_l = list(want) if isinstance(want, list | tuple) else [want]
    if len(got_l) != len(want_l):
        raise AssertionError(f"{name}: {len(got_l)} results, expected {len(want_l)}")
    for k, (g, w) in enumerate(zip(got_l, want_l, strict=True)):
        g = np.asarray(g, dtype=np.float64)
        w = np.asarray(w, dtype=np.float64)
        tol = atol + rel_atol * (float(np.max(np.abs(w))) if w.size else 0.0)
        if g.shape != w.shape or not np.allclose(g, w, rtol=rtol, atol=tol):
            err = np.max(np.abs(g - w)) if g.shape == w.shape else "shape"
            raise AssertionError(
                f"{name}: result {k} differs from {reference} "
                f"(max abs error {err}, shapes {g.shape} vs {w.shape})"
            )


# --- the table ----------------------------------------------------------------------------
QUIET = 0.20  # a block of rounds counts when other processes used at most this CPU share
BLOCK = 0.25  # seconds: rounds are grouped into blocks this long to judge the background


class Table:
    """Rows of (library, median) printed with their ratio to the hand-written NumPy row.

    ``add`` registers a zero-argument callable per library; ``measure`` times them all
    *interleaved*: after each one's warm-up and calibration, rounds take one sample of every
    library in turn (the order rotating from round to round), so that changing background load
    hits every library alike. Rounds are grouped in blocks of ``BLOCK`` seconds; a block during
    which other processes used more than ``QUIET`` of the machine's CPU is set aside, and the
    medians come from the quiet blocks (all blocks, marked NOISY, when too few were quiet).

    Libraries with their own thread pool (PyTorch: OpenMP + MKL) are timed in a separate
    phase, 0.3 s after the last NumPy call: OpenBLAS's worker threads keep spinning for about
    0.1 s after each BLAS call, and on a 2-core machine interleaving the two thread pools
    would slow both.
    """

    def __init__(self, workload: str, unit: str = "time") -> None:
        self.workload = workload
        self.unit = unit  # "time" or "bytes"
        # [label, callable or None, value or None, note, phase]
        self.rows: list[list[Any]] = []
        self.reports: list[str] = []

    def add(self, label: str, fn: Callable[[], Any] | None, note: str = "",
            own_threads: bool = False) -> None:
        """Register a library; ``own_threads`` puts it in the separate phase (PyTorch)."""
        self.rows.append([label, fn, None, note, 1 if own_threads else 0])

    def set(self, label: str, value: float | None, note: str = "") -> None:
        self.rows.append([label, None, value, note, 0])

    def measure(self, budget: float, scale: float = 1.0, min_sample: float = 2e-3,
                min_rounds: int = 7) -> None:
        """Fill in the median seconds per call (times ``scale``) of every registered callable.

        ``budget`` is seconds per library when the machine is quiet; with background load the
        phase goes on for up to 2.5 times as long, looking for quiet blocks.
        """
        for phase in (0, 1):
            live = [r for r in self.rows if r[1] is not None and r[4] == phase]
            if not live:
                continue
            if phase == 1:
                time.sleep(0.3)
            medians, report = _measure_phase(
                [r[1] for r in live], budget, min_sample, min_rounds
            )
            for r, m in zip(live, medians, strict=True):
                r[2] = m * scale
            names = ", ".join(r[0] for r in live)
            self.reports.append(f"{names}: {report}")

    def value(self, label: str) -> float | None:
        for name, _, v, _, _ in self.rows:
            if name == label:
                return v
        return None

    def print(self, baseline: str = "numpy (hand)", column: str = "vs numpy") -> None:
        """The rows with their ratio to the ``baseline`` row, under the heading ``column``."""
        base = self.value(baseline)
        fmt = fmt_time if self.unit == "time" else fmt_bytes
        col = "median" if self.unit == "time" else "value"
        print(f"workload: {self.workload}")
        print(f"  {'library':<24} {col:>12} {column:>9}  note")
        print(f"  {'-' * 24} {'-' * 12} {'-' * 9}  {'-' * 4}")
        for name, _, v, note, _ in self.rows:
            if v is None:
                print(f"  {name:<24} {'-':>12} {'-':>9}  {note}")
                continue
            ratio = f"{v / base:8.2f}x" if base else "-"
            print(f"  {name:<24} {fmt(v):>12} {ratio:>9}  {note}")
        for line in self.reports:
            print(f"  ({line})")
        print()


def _measure_phase(
    fns: list[Callable[[], Any]], budget: float, min_sample: float, min_rounds: int
) -> tuple[list[float], str]:
    """Interleaved rounds over ``fns``; medians per call from the quiet blocks, and a note."""
    numbers = [_calibrate(fn, min_sample) for fn in fns]
    n = len(fns)
    quiet: list[list[float]] = [[] for _ in fns]
    noisy: list[list[float]] = [[] for _ in fns]
    quiet_rounds = noisy_rounds = 0
    start = time.perf_counter()
    soft_end = start + budget * n
    hard_end = start + 2.5 * budget * n
    rounds = 0
    loads: list[float] = []
    gc_was_enabled = gc.isenabled()
    try:
        while True:
            now = time.perf_counter()
            if quiet_rounds >= min_rounds and now >= soft_end:
                break
            if now >= hard_end and quiet_rounds + noisy_rounds >= min_rounds:
                break
            monitor = CpuMonitor()
            block: list[list[float]] = [[] for _ in fns]
            block_rounds = 0
            while block_rounds == 0 or time.perf_counter() - monitor.t0 < BLOCK:
                for k in range(n):
                    j = (k + rounds) % n
                    fn, number = fns[j], numbers[j]
                    gc.collect()
                    gc.disable()
                    t0 = time.perf_counter()
                    for _ in range(number):
                        fn()
                    block[j].append((time.perf_counter() - t0) / number)
                    if gc_was_enabled:
                        gc.enable()
                rounds += 1
                block_rounds += 1
            load = monitor.others()
            loads.append(0.0 if load is None else load)
            ok = load is None or load <= QUIET
            target = quiet if ok else noisy
            for j in range(n):
                target[j].extend(block[j])
            if ok:
                quiet_rounds += block_rounds
            else:
                noisy_rounds += block_rounds
    finally:
        if gc_was_enabled:
            gc.enable()
    mean_load = statistics.fmean(loads) if loads else 0.0
    if quiet_rounds >= min_rounds:
        medians = [statistics.median(q) for q in quiet]
        note = (f"{quiet_rounds} interleaved rounds kept, {noisy_rounds} set aside for "
                f"background load; other processes used {mean_load:.0%} CPU on average")
    else:
        medians = [statistics.median(q + m) for q, m in zip(quiet, noisy, strict=True)]
        note = (f"NOISY: only {quiet_rounds} of {quiet_rounds + noisy_rounds} rounds ran on a "
                f"quiet machine (other processes used {mean_load:.0%} CPU on average); "
                "rerun when the machine is idle")
    return medians, note


def _calibrate(fn: Callable[[], Any], min_sample: float) -> int:
    """Warm up ``fn`` and return how many calls make one sample of >= ``min_sample`` s."""
    t_end = time.perf_counter() + 0.1
    calls = 0
    while calls < 3 or time.perf_counter() < t_end:
        fn()
        calls += 1
    number = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        dt = time.perf_counter() - t0
        if dt >= min_sample:
            return number
        number = max(number * 2, int(number * min_sample / max(dt, 1e-9) * 1.2))


class CpuMonitor:
    """Share of the machine's CPU used by *other* processes since construction (Linux)."""

    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.busy0 = _busy_seconds()
        self.own0 = _own_seconds()

    def others(self) -> float | None:
        busy = _busy_seconds()
        if busy is None or self.busy0 is None:
            return None
        wall = time.perf_counter() - self.t0
        other = (busy - self.busy0) - (_own_seconds() - self.own0)
        return max(0.0, other / (wall * (os.cpu_count() or 1)))


def _busy_seconds() -> float | None:
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    busy = sum(fields[:8]) - idle  # user nice system idle iowait irq softirq steal
    return busy / os.sysconf("SC_CLK_TCK")


def _own_seconds() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def verdict(name: str, measured: float | None, target: float, text: str,
            table: Table | None = None) -> bool:
    """Print the target line: ``TARGET <name>: <text> -> <measured> PASS|MISS``."""
    if measured is None:
        print(f"TARGET {name}: {text} -> not measured (chainrule could not run) MISS")
        return False
    ok = measured <= target
    noisy = table is not None and any("NOISY" in r for r in table.reports)
    print(f"TARGET {name}: {text} -> measured {measured:.3g} {'PASS' if ok else 'MISS'}"
          f"{'  (NOISY run: background load)' if noisy else ''}")
    return ok


def add_chainrule(table: Table, label: str, fn: Callable[[], Any],
                  check: Callable[[Any], None]) -> bool:
    """Run chainrule's ``fn`` once, ``check`` its result against the reference, then add it to
    ``table`` to be timed. Returns False, with a "could not run" row, when ``fn`` raises (e.g.
    an op family not implemented yet); a wrong result raises from ``check``."""
    try:
        got = fn()
    except Exception as e:  # noqa: BLE001  (report any failure as "could not run")
        table.add(label, None, f"could not run: {type(e).__name__}: {e}")
        return False
    check(got)
    table.add(label, fn)
    return True


# --- profiling ----------------------------------------------------------------------------
def profile(fn: Callable[[], Any], calls: int, top: int = 15) -> None:
    """Print a cProfile of ``calls`` calls of ``fn``: the ``top`` entries by tottime, then the
    total tottime grouped by engine component (see ``_component``)."""
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(calls):
        fn()
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    print(f"cProfile of chainrule, {calls} calls, top {top} by tottime:")
    text = out.getvalue().strip("\n")
    print(text.replace(os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + "/", ""))
    groups: dict[str, float] = {}
    total = 0.0
    for (filename, _line, func), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():
        key = _component(filename, func)
        groups[key] = groups.get(key, 0.0) + tt
        total += tt
    print()
    print("tottime by component (NumPy's C work is inside the Python function that called it:")
    print("forward kernels under 'bind', rule kernels under 'rules'); per call of the workload:")
    for key, tt in sorted(groups.items(), key=lambda kv: -kv[1]):
        print(f"  {key:<58} {tt / calls * 1e6:10.1f} us  {tt / total:6.1%}")
    print(f"  {'total (profiled; cProfile adds overhead per call)':<58} "
          f"{total / calls * 1e6:10.1f} us")
    print()


def _component(filename: str, func: str) -> str:
    """Which part of the engine a profiled function belongs to."""
    base = os.path.basename(filename)
    if filename == "~":  # C functions
        if "isinstance" in func:
            return "isinstance (C)"
        if "numpy" in func or "ndarray" in func or "ufunc" in func:
            return "NumPy C methods called directly (reshape, reduce, ...)"
        return "other C builtins (append, len, getattr, ...)"
    if "/chainrule/" not in filename:
        if "/numpy/" in filename:
            return "NumPy Python-level wrappers (fromnumeric, ...)"
        if "/benchmarks/" in filename:
            return "user function (the NumPy code being differentiated)"
        if base in ("<string>", "dataclasses.py", "functools.py"):
            return "transform setup (value_and_grad, _record, pytrees)"
        return f"other Python ({base})"
    if base == "primitive.py":
        return "bind + Primitive.__call__ (incl. forward NumPy kernels)"
    if base in ("reverse.py", "forward.py"):
        if func == "process":
            return f"{'Reverse' if base == 'reverse.py' else 'Forward'}Trace.process"
        if func == "__init__":
            return "Node / tracer creation (__init__)"
        if func in ("backward", "unbroadcast"):
            return "backward loop (+ unbroadcast)"
        if func == "leaf":
            return "transform setup (value_and_grad, _record, pytrees)"
        return f"reverse/forward other ({func})"
    if base in ("dispatch.py", "tracer.py"):
        return "dispatch (__array_ufunc__/__array_function__, operators)"
    if base in ("transforms.py", "tree.py", "jacobians.py", "levels.py"):
        return "transform setup (value_and_grad, _record, pytrees)"
    if "/ops/" in filename or "/numpy/" in filename:
        if func == "<lambda>" or "vjp" in func or "jvp" in func or func.startswith("_d"):
            return "rules (VJP/JVP lambdas, incl. their NumPy kernels)"
        return "op wrappers (cnp.sum, reshape, matmul, ...)"
    return f"chainrule other ({base})"


def exit_code(ok_results: bool) -> None:
    sys.exit(0 if ok_results else 1)
