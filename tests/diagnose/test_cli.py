"""chainrule train --diagnose end to end in a temporary folder."""

import json
import os

from chainrule.cli import main

HAVE_MPL = True
try:
    import matplotlib  # noqa: F401
except ImportError:
    HAVE_MPL = False


def test_train_diagnose_prints_the_report_and_writes_diagnostics_json(tmp_path, capsys):
    assert main(["train", "--out", str(tmp_path), "--name", "d", "--epochs", "20",
                 "--diagnose"]) == 0
    out = capsys.readouterr().out
    folder = os.path.join(tmp_path, "d")
    saved = json.load(open(os.path.join(folder, "diagnostics.json")))
    assert saved["every"] == 1 and saved["probe_samples"] == 90
    assert [r["epoch"] for r in saved["history"]] == list(range(21))
    last = saved["history"][-1]
    assert "diagnostics at epoch 20: batch of 90 samples" in out
    first = last["gradients"]["layers"][0]
    assert first["name"] == "0 Linear(2 -> 16)"
    row = next(line for line in out.splitlines() if line.startswith("0 Linear(2 -> 16)"))
    assert f"{first['norm']:.2e}" in row and f"{first['update_ratio']:.1e}" in row
    sigmoid = next(line for line in out.splitlines() if line.startswith("1 Sigmoid()"))
    assert sigmoid.split()[-3] == f"{100 * last['activations'][1]['saturated']:.1f}"
    assert f"gradients: {last['verdict']} (first/last layer norm ratio" in out
    assert "diagnostics.json" in out.splitlines()[-1]
    if HAVE_MPL:
        from tests.picture_checks import assert_png

        assert_png(os.path.join(folder, "gradient_norms.png"), size=(700, 450))
        assert_png(os.path.join(folder, "activations.png"))


def test_resume_keeps_diagnosing_and_refuses_to_add_it(tmp_path, capsys):
    base = ["train", "--out", str(tmp_path), "--quiet", "--epochs", "4", "--features", "0,1,2"]
    assert main([*base, "--name", "a", "--diagnose"]) == 0
    assert main([*base, "--name", "b"]) == 0
    assert capsys.readouterr().out == ""
    assert not os.path.exists(os.path.join(tmp_path, "b", "diagnostics.json"))
    ckpt = os.path.join(tmp_path, "a", "checkpoint.npz")
    assert main(["train", "--resume", ckpt, "--epochs", "6", "--quiet"]) == 0
    saved = json.load(open(os.path.join(tmp_path, "a", "diagnostics.json")))
    assert [r["epoch"] for r in saved["history"]] == list(range(7))
    plain = os.path.join(tmp_path, "b", "checkpoint.npz")
    assert main(["train", "--resume", plain, "--epochs", "6", "--diagnose"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--diagnose" in err and "without diagnostics" in err


def test_divergence_still_writes_the_diagnostics(tmp_path, capsys):
    code = main(["train", "--lr", "1e6", "--activation", "relu", "--epochs", "40",
                 "--out", str(tmp_path), "--name", "boom", "--quiet", "--diagnose"])
    assert code == 1
    assert "learning rate" in capsys.readouterr().err
    saved = json.load(open(os.path.join(tmp_path, "boom", "diagnostics.json")))
    assert saved["history"][0]["epoch"] == 0 and saved["history"][0]["verdict"] == "healthy"
