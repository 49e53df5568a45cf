"""Run every benchmark script in sequence and summarise the targets.

Run: .venv/bin/python benchmarks/run_all.py [--quick] [--profile]

Each script runs in its own process (so that one library's threads and memory do not leak into
the next measurement); its output is shown as it comes, and the TARGET lines are collected
into a summary at the end. The exit status is 1 when a script failed (a wrong gradient, or
chainrule unable to run a workload); a MISS is a measurement, not a failure.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = [
    "bench_tiny_graph.py",
    "bench_elementwise_chain.py",
    "bench_mlp_large.py",
    "bench_mlp_small.py",
    "bench_hvp.py",
    "bench_memory.py",
    "import_time.py",
    "gpu.py",  # says in one line that nothing was measured where there is no GPU
]
PROFILED = {"bench_tiny_graph.py", "bench_elementwise_chain.py", "bench_mlp_small.py"}


def main() -> None:
    p = argparse.ArgumentParser(description="Run every chainrule benchmark in sequence.")
    p.add_argument("--quick", action="store_true", help="short timing budgets (smoke run)")
    p.add_argument("--profile", action="store_true",
                   help="also print cProfile breakdowns (tiny graph, elementwise chain, small MLP)")
    p.add_argument("only", nargs="*", help="run only these scripts (names or substrings)")
    args = p.parse_args()
    scripts = [s for s in SCRIPTS if not args.only or any(o in s for o in args.only)]
    summary: list[str] = []
    failed: list[str] = []
    t_start = time.perf_counter()
    for script in scripts:
        cmd = [sys.executable, os.path.join(HERE, script)]
        if args.quick:
            cmd.append("--quick")
        if args.profile and script in PROFILED:
            cmd.append("--profile")
        print(f"\n$ {' '.join(os.path.relpath(c) if c.endswith('.py') else c for c in cmd)}",
              flush=True)
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert proc.stdout is not None
        for line in proc.stdout:
            print(line, end="", flush=True)
            if line.startswith("TARGET "):
                summary.append(line[len("TARGET "):].rstrip())
        rc = proc.wait()
        print(f"[{script}: exit {rc}, {time.perf_counter() - t0:.1f} s]", flush=True)
        if rc != 0:
            failed.append(script)
    print(f"\n== summary ({time.perf_counter() - t_start:.0f} s) ==")
    for line in summary:
        print(f"  {line}")
    for script in failed:
        print(f"  {script}: FAILED (see its output above)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
