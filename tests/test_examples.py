"""Every script in examples/ runs, exits 0, prints its key number, and is listed in the README.

The scripts run as separate processes with this interpreter (as a user would run them), all
started at once so that the file takes about as long as the slowest script.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCRIPTS = sorted(p.name for p in EXAMPLES.glob("*.py"))

# A line each script must print: its key number, as the seed states it where it does.
KEY_OUTPUT = {
    "seed000_forward_reverse.py": r"dy2/dw1 = -0\.4785 = -x sin\(w1 x \+ w0\) = -0\.4785",
    "seed001_iris_gradients.py": r"chainrule vs hand: max difference \d\.\de-1[2-9]",
    "seed004_trace_table.py": r"gradient = \(0\.1293, 0\.0594, 0\.5435\)",
    "seed003_fig3_3_two_paths.py": r"-2w sin\(w\^2\) \+ 2w cos\(w\^2\) = -4\.218740",
    "seed003_fig3_4_path_sums.py": r"32 of them: 32 w\^31 = 43\.562477",
    "seed003_softmax_cross_entropy.py": r"o - y \(eq\. 3\.22\)\s+= \[0\.7101, 0\.035354, "
                                        r"-0\.841555, 0\.096102\]",
    "seed003_table3_1_decoupled.py": r"max\s+\[0\. , 0\. , 0\. , 0\. , 1\.5\]\s+True",
    "seed003_gradient_check.py": r"buggy \(no Z \(1 - Z\) factor\)\s+1\.0e\+00\s+<- caught",
    "seed003_batchnorm_backward.py": r"difference from eq\. 3\.65 by hand: \d\.\de-1[2-9]",
    "seed003_newton_saddle.py": r"Hessian eigenvalues there: \[-2\.0, 2\.0\]",
    "seed003_momentum.py": r"gradient descent\s+92 steps[\s\S]*momentum \(beta 0\.5\)\s+24 steps",
    "seed003_hessian_vector.py": r"Newton step by CG on H v: 6 products \(converged\)",
    "seed003_figures.py": r"same step 0\.24: gradient descent 92 steps, momentum 9 steps",
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    """Run every script concurrently without a display; also the momentum script's picture
    and a copy of the seed 004 script with one expected number changed (``broken.py``)."""
    folder = tmp_path_factory.mktemp("examples")
    source = (EXAMPLES / "seed004_trace_table.py").read_text(encoding="utf-8")
    broken = source.replace('"v9": 0.71}', '"v9": 0.72}')
    assert broken != source
    (folder / "broken.py").write_text(broken, encoding="utf-8")
    jobs = {name: [str(EXAMPLES / name)] for name in SCRIPTS}
    jobs["seed003_momentum.py"] += ["--plot", str(folder / "paths.png")]
    jobs["broken.py"] = [str(folder / "broken.py")]
    env = {**os.environ, "MPLBACKEND": "Agg"}
    started = {name: subprocess.Popen([sys.executable, *argv], env=env, cwd=folder,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for name, argv in jobs.items()}
    done = {}
    for name, proc in started.items():
        out, err = proc.communicate(timeout=120)
        done[name] = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    done["picture"] = folder / "paths.png"
    return done


def test_there_are_examples():
    assert len(SCRIPTS) >= 10, SCRIPTS


@pytest.mark.parametrize("name", SCRIPTS)
def test_example_runs_and_prints_its_key_number(name, runs):
    result = runs[name]
    assert result.returncode == 0, f"{name} failed:\n{result.stdout}\n{result.stderr}"
    assert result.stdout.rstrip().endswith("All checks passed."), result.stdout
    assert name in KEY_OUTPUT, f"add the key line that {name} prints to KEY_OUTPUT"
    assert re.search(KEY_OUTPUT[name], result.stdout), (
        f"{name} did not print {KEY_OUTPUT[name]!r}:\n{result.stdout}")


def test_every_example_is_listed_in_the_readme():
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"`([\w.]+\.py)`", readme))
    assert set(SCRIPTS) - listed == set(), "examples missing from examples/README.md"
    assert listed - set(SCRIPTS) == set(), "examples/README.md lists scripts that do not exist"


def test_a_wrong_number_makes_an_example_fail(runs):
    """The checks are real: the seed 004 script with a wrong expected value exits non-zero."""
    result = runs["broken.py"]
    assert result.returncode != 0
    assert "value of v9: 0.7071, the seed has 0.72" in result.stderr


def test_momentum_example_draws_its_picture(runs):
    pytest.importorskip("matplotlib", reason="the --plot picture needs matplotlib")
    from tests.picture_checks import assert_png

    assert f"wrote {runs['picture']}" in runs["seed003_momentum.py"].stdout
    assert_png(runs["picture"], size=(800, 360))
