"""How much of the op registry ``cr.jit`` compiles: every spec case of ``tests/test_ops.py``,
first order (vjp) and, for real cases, forward over reverse, as ``tests/test_jit_ops.py`` runs
them; prints the runs that compile, those refused with ``JitError`` and the chainrule lines
whose reads of the data refuse them most often (where lifting a refusal pays most).

Run: .venv/bin/python benchmarks/jit_coverage.py [--top 25]
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tests.test_jit_ops import first_order, second_order  # noqa: E402
from tests.test_ops import CASES  # noqa: E402

import chainrule as cr  # noqa: E402  (after the repository root is on the path, for tests)
from chainrule.jit import JitError  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=25)
    top = parser.parse_args().top
    compiled = refused = eager_fails = 0
    sites: collections.Counter[str] = collections.Counter()
    for spec, case in CASES:
        xs = spec.inputs(case)
        runs = [first_order(spec)]
        if not spec.complex:
            runs.append(second_order(spec, [np.full_like(x, 0.5) for x in xs]))
        for run in runs:
            with np.errstate(all="ignore"):
                try:
                    run(*xs)
                except Exception:  # noqa: BLE001  (the eager run itself refuses this input)
                    eager_fails += 1
                    continue
                try:
                    cr.jit(run)(*xs)
                    compiled += 1
                except JitError as error:
                    refused += 1
                    found = re.search(r"inside chainrule's (\S+ \([^)]*\))", str(error))
                    sites[found.group(1) if found else str(error)[:80]] += 1
    print(f"{compiled + refused} runs that run eagerly: {compiled} compile, {refused} refused "
          f"with JitError ({eager_fails} runs refused eagerly too, not counted)")
    print(f"where the refused runs read data (top {top}):")
    for site, count in sites.most_common(top):
        print(f"  {count:4d}  {site}")


if __name__ == "__main__":
    main()
