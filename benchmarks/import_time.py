"""Time of ``import chainrule`` over NumPy's own import (issue 12: at most 0.1 s), and what it
loads. Each sample is a fresh interpreter that imports NumPy, then chainrule, timing both with
``time.perf_counter``; the figure is the median over the samples of (chainrule's import time),
NumPy being loaded already. The modules of training, figures, plotting and the command line
must not be among those loaded.

    .venv/bin/python benchmarks/import_time.py [--samples N] [--quick]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

TARGET_S = 0.1
PROBE = """
import json, sys, time
t0 = time.perf_counter(); import numpy; t1 = time.perf_counter()
import chainrule; t2 = time.perf_counter()
mods = sorted(m for m in sys.modules if m.startswith("chainrule"))
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("matplotlib", "scipy", "tqdm"))
print(json.dumps({"numpy": t1 - t0, "chainrule": t2 - t1, "modules": mods, "heavy": heavy}))
"""
ABOVE_THE_CORE = ("chainrule.train", "chainrule.figures", "chainrule.cli", "chainrule.nn",
                  "chainrule.optim", "chainrule.data", "chainrule.diagnose", "chainrule.explain")


def sample() -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="5 samples (smoke run)")
    args = parser.parse_args()
    if args.quick:
        args.samples = 5
    sample()  # warm the file-system cache and .pyc files
    runs = [sample() for _ in range(args.samples)]
    numpy_s = statistics.median(r["numpy"] for r in runs)
    ours = [r["chainrule"] for r in runs]
    median = statistics.median(ours)
    modules = runs[-1]["modules"]
    above = [m for m in modules if m.startswith(ABOVE_THE_CORE)]
    print(f"import numpy: median {numpy_s * 1e3:.1f} ms over {args.samples} fresh interpreters")
    print(f"import chainrule after numpy: median {median * 1e3:.1f} ms "
          f"(range {min(ours) * 1e3:.1f}-{max(ours) * 1e3:.1f} ms), {len(modules)} chainrule "
          f"modules loaded; other heavy packages: {runs[-1]['heavy'] or 'none'}")
    print(f"modules above the core loaded: {above or 'none'}")
    ok = median <= TARGET_S and not above and not runs[-1]["heavy"]
    print(f"TARGET import chainrule <= {TARGET_S * 1e3:.0f} ms over numpy, nothing above the "
          f"core loaded: {median * 1e3:.1f} ms  {'PASS' if ok else 'MISS'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
