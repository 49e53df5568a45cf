"""Checkpoints written before optimizers became chains (version 1) hold their optimizer state in
another layout: resuming one says so plainly, while its model still loads."""

import io
import json
from contextlib import redirect_stderr, redirect_stdout

import numpy as np

from chainrule.cli import main
from chainrule.train import load_checkpoint
from chainrule.train.checkpoint import META, VERSION


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


def as_version_1(path):
    """The checkpoint at ``path`` rewritten as an earlier chainrule wrote it: version 1 and
    one optimizer array fewer (the step count lived inside each optimizer's own state)."""
    with np.load(path) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(bytes(arrays[META]).decode())
    meta["version"] = 1
    meta["optimizer_leaves"] -= 1
    del arrays[f"optimizer/{meta['optimizer_leaves']:05d}"]
    arrays[META] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    np.savez(path, **arrays)


def test_new_checkpoints_carry_the_version(tmp_path):
    status, _, err = run(["train", "--out", str(tmp_path), "--name", "r", "--epochs", "4",
                          "--optimizer", "adam", "--quiet"])
    assert status == 0, err
    assert load_checkpoint(tmp_path / "r" / "checkpoint.npz").version == VERSION == 2


def test_a_version_1_checkpoint_evaluates_but_does_not_resume(tmp_path):
    status, _, err = run(["train", "--out", str(tmp_path), "--name", "r", "--epochs", "4",
                          "--optimizer", "adam", "--quiet"])
    assert status == 0, err
    path = tmp_path / "r" / "checkpoint.npz"
    as_version_1(path)
    assert load_checkpoint(path).version == 1
    status, out, err = run(["evaluate", str(path)])
    assert status == 0 and "accuracy" in out, err
    status, _, err = run(["train", "--resume", str(path), "--epochs", "8", "--quiet"])
    assert status == 2
    assert "written by an earlier chainrule (checkpoint version 1)" in err
    assert "its model still loads" in err and len(err.splitlines()) == 1
