"""``import chainrule`` loads the engine and the NumPy face only; the packages above the core
(training, networks, optimizers, data, figures, diagnostics, explain, the command line) and
plotting load on first use, through ``chainrule.<name>`` or ``from chainrule import <name>``."""

import subprocess
import sys

import pytest

ABOVE = ("chainrule.train", "chainrule.figures", "chainrule.cli", "chainrule.nn",
         "chainrule.optim", "chainrule.data", "chainrule.diagnose", "chainrule.explain")


def loaded_after(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60, check=True)
    return set(done.stdout.split())


def test_import_loads_nothing_above_the_core():
    modules = loaded_after("import chainrule")
    assert "chainrule.transforms" in modules and "chainrule.numpy" in modules
    assert not {m for m in modules if m.startswith(ABOVE)}
    assert not {m for m in modules if m.split(".")[0] in ("matplotlib", "scipy", "tqdm")}


@pytest.mark.parametrize("name", ["nn", "optim", "train", "data", "explain", "figures",
                                  "diagnose"])
def test_attribute_access_loads_the_package(name):
    modules = loaded_after(f"import chainrule\nassert chainrule.{name}.__name__ == "
                           f"'chainrule.{name}'")
    assert f"chainrule.{name}" in modules


def test_trace_and_graph_come_from_explain():
    import chainrule
    from chainrule import explain

    assert chainrule.trace is explain.trace and chainrule.graph is explain.graph
    assert {"nn", "trace", "grad"} <= set(dir(chainrule))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        chainrule.nope  # noqa: B018
