"""Every engine module can be the first one imported (no import cycle depends on order)."""

import subprocess
import sys

import pytest

FIRST = [
    "chainrule.primitive", "chainrule.tracer", "chainrule.reverse", "chainrule.forward",
    "chainrule.deferred", "chainrule.dispatch", "chainrule.broadcast", "chainrule.transforms",
    "chainrule.jacobians", "chainrule.check", "chainrule.numpy", "chainrule.ops.shape",
    "chainrule.ops.reduce", "chainrule.ops.linalg", "chainrule.ops.indexing",
    "chainrule.explain.sweeps", "chainrule.nn", "chainrule.optim", "chainrule.train",
    "chainrule.anomaly", "chainrule.diagnose", "chainrule.figures", "chainrule.cli",
]


@pytest.mark.parametrize("module", FIRST)
def test_module_imports_first(module):
    done = subprocess.run([sys.executable, "-c", f"import {module}; import chainrule"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
