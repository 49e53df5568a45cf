"""The command line tried as a new user would: damaged or foreign files, an existing --name,
resuming to fewer epochs than done, CSV hints and headerless CSV files. Every bad input ends in
one line on stderr and exit status 2, never a traceback."""

import io
import os
import pickle
import zipfile
from contextlib import redirect_stderr, redirect_stdout

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainrule.cli import main
from chainrule.data import load_csv
from chainrule.train import load_checkpoint, save_checkpoint

COMMANDS = ("evaluate", "predict", "resume", "check")


def run(argv):
    """(exit status, stdout, stderr) of ``chainrule argv``, in this process."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


def npz_bytes(**arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def zip_of_text():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("notes.txt", "not an array")
    return buffer.getvalue()


FOREIGN = {  # other formats under a .npz name, and what the message must say about each
    "empty": (b"", "is empty (0 bytes)"),
    "text": (b"epochs 3\nloss 0.1\n", "looks like text (first line 'epochs 3')"),
    "png": (b"\x89PNG\r\n\x1a\n" + bytes(64), "looks like a PNG image"),
    "json": (b'{"model": {"hidden": [16]}}\n', "looks like JSON text"),
    "pickle": (pickle.dumps({"W": [1.0, 2.0]}, protocol=4), "looks like a Python pickle"),
    "random": (bytes(range(7, 250, 3)), "other binary data"),
    "zip": (zip_of_text(), "its entry 'notes.txt' is not a NumPy array"),
    "objects": (npz_bytes(w=np.array([{"a": 1}], dtype=object)), "pickled Python objects"),
    "other npz": (npz_bytes(X=np.ones((2, 2)), y=np.zeros(2)), None),  # valid, wrong keys
}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A trained run's checkpoint, a CSV to predict, a function and an array to check."""
    base = tmp_path_factory.mktemp("hardened")
    status, _, err = run(["train", "--out", str(base), "--name", "r", "--epochs", "3",
                          "--quiet"])
    assert status == 0, err
    (base / "flowers.csv").write_text("petal_length,petal_width\n1.4,0.2\n6.0,2.4\n")
    (base / "mod.py").write_text("def f(w):\n    return (w ** 2).sum()\n")
    return {"base": base, "checkpoint": (base / "r" / "checkpoint.npz").read_bytes(),
            "w": npz_bytes(w=np.array([0.5, -1.0]))}


def argv(command, files, path):
    base = files["base"]
    return {
        "evaluate": ["evaluate", path],
        "predict": ["predict", path, str(base / "flowers.csv")],
        "resume": ["train", "--resume", path, "--epochs", "1", "--quiet"],  # 1 < 3: never trains
        "check": ["check", f"{base / 'mod.py'}:f", "--at", f"w=@{path}", "--order", "1"],
    }[command]


def good_bytes(command, files):
    return files["w"] if command == "check" else files["checkpoint"]


def assert_one_line_error(command, status, err, path):
    name = "train" if command == "resume" else command
    assert status == 2, err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"chainrule {name}: error: "), err
    assert os.path.basename(path) in lines[0], err  # names the file


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("kind", list(FOREIGN))
def test_foreign_files_give_one_line_and_status_2(files, command, kind):
    data, said = FOREIGN[kind]
    path = str(files["base"] / f"{command}-{kind}.npz".replace(" ", "-"))
    with open(path, "wb") as f:
        f.write(data)
    status, _, err = run(argv(command, files, path))
    assert_one_line_error(command, status, err, path)
    if said is not None:
        assert said in err
    elif command == "check":
        assert "name the array; its arrays are ['X', 'y']" in err
    else:
        assert "is not a chainrule training checkpoint" in err and "[X, y]" in err


@pytest.mark.parametrize("command", COMMANDS)
def test_truncated_files_name_the_damage(files, command):
    data = good_bytes(command, files)
    path = str(files["base"] / f"{command}-cut.npz")
    with open(path, "wb") as f:
        f.write(data[: len(data) // 2])
    status, _, err = run(argv(command, files, path))
    assert_one_line_error(command, status, err, path)
    assert f"is truncated or damaged ({len(data) // 2} bytes)" in err
    middle = bytearray(data)
    middle[inside_first_array(data)] ^= 0xFF  # the checksum finds it
    with open(path, "wb") as f:
        f.write(bytes(middle))
    status, _, err = run(argv(command, files, path))
    assert_one_line_error(command, status, err, path)
    assert "checksum does not match" in err


def inside_first_array(data: bytes) -> int:
    """The offset of the last byte of the first entry's stored bytes (inside the array, not
    in the zip headers, whose redundant fields the reader rightly ignores)."""
    info = zipfile.ZipFile(io.BytesIO(data)).infolist()[0]
    at = info.header_offset
    name_length = int.from_bytes(data[at + 26: at + 28], "little")
    extra_length = int.from_bytes(data[at + 28: at + 30], "little")
    return at + 30 + name_length + extra_length + info.compress_size - 1


def damaged(good: bytes):
    """(bytes, whether they must be refused): truncations, flipped bytes, other formats."""
    n = len(good)

    def flip(changes):
        data = bytearray(good)
        for at, mask in changes:
            data[at % n] ^= mask
        return bytes(data)

    return st.one_of(
        st.integers(0, n - 1).map(lambda k: (good[:k], True)),
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(1, 255)), min_size=1,
                 max_size=4).map(lambda c: (flip(c), False)),  # may hit a harmless byte
        st.sampled_from([d for d, _ in FOREIGN.values()]).map(lambda d: (d, True)),
        st.binary(max_size=400).map(lambda d: (d, True)),
    )


@pytest.mark.parametrize("command", COMMANDS)
@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fuzzed_files_give_only_the_library_errors(files, command, data):
    content, must_fail = data.draw(damaged(good_bytes(command, files)))
    path = str(files["base"] / f"fuzz-{command}.npz")
    with open(path, "wb") as f:
        f.write(content)
    status, _, err = run(argv(command, files, path))  # an exception here fails the test
    if status == 0 and not must_fail:  # a flip in a byte nobody reads (a time stamp)
        assert err == ""
        return
    assert_one_line_error(command, status, err, path)


def test_a_checkpoint_saved_from_python_is_refused_by_the_commands(tmp_path):
    from chainrule import nn

    path = str(tmp_path / "py.npz")
    save_checkpoint(path, nn.Linear(2, 3, rng=0), config={"hidden": [3]})
    for command in ("evaluate", "resume"):
        status, _, err = run(argv(command, {"base": tmp_path}, path))
        assert_one_line_error(command, status, err, path)
        assert "was not written by 'chainrule train' (its config lacks model, data" in err
    nn.Linear(2, 2, rng=0).save(tmp_path / "module.npz")
    status, _, err = run(["evaluate", str(tmp_path / "module.npz")])
    assert_one_line_error("evaluate", status, err, "module.npz")
    assert "it is a module file written by Module.save" in err


# --name of an existing run


def test_an_existing_name_is_refused_unless_overwrite(tmp_path):
    base = ["train", "--out", str(tmp_path), "--quiet", "--epochs", "4"]
    assert run([*base, "--name", "iris"])[0] == 0
    folder = tmp_path / "iris"
    before = (folder / "checkpoint.npz").read_bytes()
    (folder / "diagnostics.json").write_text("{}")  # as an earlier --diagnose run leaves it
    (folder / "notes.txt").write_text("mine")
    status, _, err = run([*base, "--epochs", "2", "--name", "iris"])
    assert status == 2 and err.count("\n") == 1
    assert "the run folder" in err and "already exists" in err and "--overwrite" in err
    assert (folder / "checkpoint.npz").read_bytes() == before  # untouched
    assert run([*base, "--epochs", "2", "--name", "iris", "--overwrite"])[0] == 0
    assert load_checkpoint(folder / "checkpoint.npz").epoch == 2
    assert not (folder / "diagnostics.json").exists()  # the old run's files are gone
    assert (folder / "notes.txt").read_text() == "mine"  # but not the user's
    for bad in ("../elsewhere", "a/b", ".."):
        status, _, err = run([*base, "--name", bad])
        assert status == 2 and f"--name: {bad!r} is not a folder name" in err
    assert not (tmp_path / "elsewhere").exists()


def test_overwrite_is_documented():
    from chainrule.cli import build_parser

    help_text = build_parser()._subparsers._group_actions[0].choices["train"].format_help()
    assert "--overwrite" in help_text and "refused unless --overwrite" in " ".join(
        help_text.split())
    readme = os.path.join(os.path.dirname(__file__), os.pardir, "README.md")
    assert "--overwrite" in open(readme, encoding="utf-8").read()


# resuming with --epochs at or below the epochs done


def test_resume_with_fewer_epochs_than_done_says_so(tmp_path):
    assert run(["train", "--out", str(tmp_path), "--name", "r", "--epochs", "6",
                "--quiet"])[0] == 0
    ckpt = str(tmp_path / "r" / "checkpoint.npz")
    before = open(ckpt, "rb").read()
    status, _, err = run(["train", "--resume", ckpt, "--epochs", "4"])
    assert status == 2 and err.count("\n") == 1
    assert "has already trained 6 epochs, so --epochs 4 leaves nothing to train" in err
    assert "--epochs is the new total" in err and "give --epochs 10 to train 4 more" in err
    status, _, err = run(["train", "--resume", ckpt, "--epochs", "6"])
    assert status == 2 and "give --epochs 12 to train 6 more" in err
    status, _, err = run(["train", "--resume", ckpt])  # the finished run, no --epochs
    assert status == 2 and "has already trained all 6 of its epochs" in err
    assert "--epochs 12" in err
    assert open(ckpt, "rb").read() == before  # nothing was written
    assert run(["train", "--resume", ckpt, "--epochs", "8", "--quiet"])[0] == 0
    assert load_checkpoint(ckpt).epoch == 8


# CSV files: the command line's hints, and a missing header row


def test_csv_errors_name_the_cli_option_on_the_command_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("a,b,label\n1,x,0\n2,3,1\n")
    status, _, err = run(["train", "--data", str(path), "--out", str(tmp_path), "--quiet"])
    assert status == 2 and err.count("\n") == 1
    assert "'x' is not a finite number" in err and "(choose others with --features)" in err
    assert "features=" not in err and "load_csv:" not in err
    with pytest.raises(ValueError, match=r"choose others with features=\)"):
        load_csv(path)  # Python callers keep the keyword


def test_unknown_class_in_evaluate_data_names_the_training_classes(tmp_path):
    assert run(["train", "--out", str(tmp_path), "--name", "r", "--epochs", "2",
                "--quiet"])[0] == 0
    other = tmp_path / "other.csv"
    other.write_text("petal length (cm),petal width (cm),species\n1.4,0.2,rose\n")
    status, _, err = run(["evaluate", str(tmp_path / "r" / "checkpoint.npz"), "--data",
                          str(other)])
    assert status == 2 and "class 'rose' is not one of the classes" in err
    assert "those the model was trained on" in err and "class_names" not in err


def test_a_csv_without_header_row_is_refused_not_shortened(tmp_path):
    rows = "5.1,3.5,0\n4.9,3.0,0\n6.2,3.4,1\n5.9,3.0,1\n6.0,2.2,1\n5.0,3.3,0\n"
    path = tmp_path / "nohead.csv"
    path.write_text(rows)
    status, _, err = run(["train", "--data", str(path), "--out", str(tmp_path), "--quiet"])
    assert status == 2 and err.count("\n") == 1
    assert "line 1: the first line '5.1,3.5,0' holds only numbers" in err
    assert "add a header line such as 'x0,x1,target'" in err
    assert not (tmp_path / "runs").exists() and len(os.listdir(tmp_path)) == 1
    with pytest.raises(ValueError, match="holds only numbers"):
        load_csv(path)
    path.write_text("x0,x1,target\n" + rows)
    assert load_csv(path).X.shape == (6, 2)  # with the header, every row is there
    path.write_text("0,1,2\n" + rows)  # column positions as names (pandas' default) are fine
    assert load_csv(path).feature_names == ("0", "1")


def test_predict_on_a_csv_without_header_row(tmp_path):
    assert run(["train", "--out", str(tmp_path), "--name", "r", "--epochs", "2",
                "--quiet"])[0] == 0
    path = tmp_path / "rows.csv"
    path.write_text("1.4,0.2\n6.0,2.4\n")
    status, _, err = run(["predict", str(tmp_path / "r" / "checkpoint.npz"), str(path)])
    assert status == 2 and err.count("\n") == 1
    assert "holds only numbers" in err
    assert "'petal length (cm),petal width (cm)'" in err  # the header the model needs


@pytest.mark.parametrize("kind", ["png", "pickle", "random", "latin-1", "huge field"])
def test_a_csv_that_is_not_csv_text_gives_one_line(tmp_path, kind):
    content = {"png": FOREIGN["png"][0], "pickle": FOREIGN["pickle"][0],
               "random": bytes(range(130, 250)), "latin-1": "name,café\n1,2\n".encode("latin-1"),
               "huge field": b"petal_length,petal_width,kind\n" + b"x" * 200_000 + b",1,a\n",
               }[kind]
    path = tmp_path / "table.csv"
    path.write_bytes(content)
    assert run(["train", "--out", str(tmp_path), "--name", "r", "--epochs", "2",
                "--quiet"])[0] == 0
    for command in (["train", "--data", str(path), "--quiet"],
                    ["predict", str(tmp_path / "r" / "checkpoint.npz"), str(path)]):
        status, _, err = run(command)
        assert_one_line_error(command[0], status, err, str(path))
        assert ("field larger than field limit" if kind == "huge field"
                else "is not UTF-8 text") in err
    if kind == "latin-1":
        assert "text in an encoding other than UTF-8 (first line 'name,café')" in err
