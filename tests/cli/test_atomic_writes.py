"""Every file the command line writes goes through chainrule.files.write_atomically: an
interrupted write leaves the previous file as it was and no temporary file behind."""

import io
import json
import os
import stat
from contextlib import redirect_stderr, redirect_stdout

import pytest

from chainrule import files
from chainrule.cli import main
from chainrule.train import load_checkpoint


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


def test_an_interrupted_write_keeps_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "a.txt"
    files.write_text(target, "old\n")

    def half_then_fail(f):
        f.write("new, half of it")
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        files.write_atomically(target, half_then_fail, binary=False)
    assert target.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["a.txt"]


def test_the_file_and_its_folder_are_synced(tmp_path, monkeypatch):
    synced = []
    real = os.fsync

    def record(fd):
        synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        real(fd)

    monkeypatch.setattr(files.os, "fsync", record)
    files.write_bytes(tmp_path / "b.bin", b"\x00\x01")
    assert synced == [False, True]  # the file's bytes, then the rename in the folder
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01"


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    base = tmp_path_factory.mktemp("atomic")
    argv = ["train", "--epochs", "3", "--out", str(base), "--name", "r", "--quiet"]
    assert run(argv)[0] == 0
    return base / "r"


def test_metrics_json_survives_a_serializer_failing_mid_write(trained, monkeypatch):
    before = (trained / "metrics.json").read_text()
    names = sorted(os.listdir(trained))

    def half_then_fail(data, f, **options):
        f.write('{"train_accuracy": ')
        raise RuntimeError("serializer interrupted")

    monkeypatch.setattr(json, "dump", half_then_fail)
    with pytest.raises(RuntimeError, match="serializer interrupted"):
        main(["train", "--resume", str(trained / "checkpoint.npz"), "--epochs", "4", "--quiet"])
    assert load_checkpoint(str(trained / "checkpoint.npz")).epoch == 4  # trained, then failed
    assert (trained / "metrics.json").read_text() == before
    assert json.loads(before)["epochs"] == 3
    assert sorted(os.listdir(trained)) == names  # no .tmp- file left


def test_predict_output_survives_a_failing_disk(trained, tmp_path, monkeypatch):
    rows = tmp_path / "rows.csv"
    rows.write_text("petal length (cm),petal width (cm)\n1.4,0.2\n5.0,1.9\n")
    output = tmp_path / "predictions.csv"
    assert run(["predict", str(trained / "checkpoint.npz"), str(rows), "--output",
                str(output)])[0] == 0
    before = output.read_text()
    assert before.splitlines()[0].startswith("row,predicted,p_setosa")

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full_disk)
    status, _, err = run(["predict", str(trained / "checkpoint.npz"), str(rows), "--output",
                          str(output)])
    assert status == 2 and "No space left on device" in err
    assert output.read_text() == before
    assert sorted(os.listdir(tmp_path)) == ["predictions.csv", "rows.csv"]


def test_graph_and_figures_outputs_are_written_atomically(tmp_path, monkeypatch):
    written = []
    real = files.write_atomically

    def record(path, write, binary):
        written.append(os.path.basename(os.fspath(path)))
        real(path, write, binary)

    monkeypatch.setattr(files, "write_atomically", record)
    import chainrule.explain.graph_model as graph_model
    import chainrule.figures.registry as registry
    import chainrule.figures.tables as tables

    for module in (graph_model, registry, tables):
        monkeypatch.setattr(module, "write_atomically", record)
    assert run(["graph", "x*y", "--at", "x=1,y=2", "-o", str(tmp_path / "g.dot")])[0] == 0
    assert run(["figures", "-o", str(tmp_path / "figs"), "--only", "seed004_trace"])[0] == 0
    assert "g.dot" in written and "index.md" in written
    assert any(name.startswith("seed004_trace") for name in written)
