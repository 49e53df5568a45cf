"""The progress bar: a tqdm bar when tqdm is installed, the plain line otherwise (tqdm hidden),
the same information either way, drawn on stderr only when it is a terminal unless forced,
and nothing under the command line's --quiet."""

import io
import os
import re
import struct
import sys

import numpy as np
import pytest

from chainrule import nn, optim
from chainrule.cli import main
from chainrule.data import load_iris
from chainrule.train import Checkpointer, ProgressBar, fit
from chainrule.train.progress import tqdm_class


def iris_run(epochs=3, **options):
    X, y = load_iris()
    X = (X[:, 2:] - X[:, 2:].mean(0)) / X[:, 2:].std(0)
    net = nn.Sequential(nn.Linear(2, 8, rng=0), nn.Tanh(), nn.Linear(8, 3, rng=1))
    return fit(net, nn.softmax_cross_entropy, (X, y), optim.sgd(0.5), epochs=epochs,
               batch_size=50, validation=(X[::3], y[::3]), **options)


def last_line(text):
    return text.rstrip("\n").split("\r")[-1]


@pytest.fixture
def without_tqdm(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # `import tqdm` now raises ImportError
    assert tqdm_class() is None


def test_tqdm_bar_on_stderr_with_epoch_loss_and_validation(capsys):
    pytest.importorskip("tqdm", reason="tqdm is optional; the plain bar is tested without it")
    history = iris_run(callbacks=[ProgressBar(force=True, interval=0)])
    err = capsys.readouterr().err
    last = history.last
    final = last_line(err)
    assert final.startswith(f"epoch 3/3 batch 3/3  loss {last['loss']:.4f}  accuracy "
                            f"{last['accuracy']:.4f}  val_loss {last['val_loss']:.4f}  "
                            f"val_accuracy {last['val_accuracy']:.4f} |")
    assert re.search(r" \|.{20}\| 100% \[00:0\d<00:00\]$", final)  # off a terminal: 20 wide
    steps = re.findall(r"epoch (\d)/3 batch (\d)/3", err)
    assert ("1", "1") in steps and ("2", "3") in steps  # every batch drawn (interval=0)
    assert err.endswith("]\n") and err.count("\n") == 1  # one line, redrawn in place
    assert "[####" not in err  # tqdm's bar, not the plain one


def test_tqdm_bar_resumes_at_the_epochs_already_done(tmp_path, capsys):
    pytest.importorskip("tqdm", reason="tqdm is optional; the plain bar is tested without it")
    path = str(tmp_path / "run.npz")
    iris_run(epochs=2, callbacks=[Checkpointer(path)])
    iris_run(epochs=4, callbacks=[Checkpointer(path), ProgressBar(force=True, interval=0)],
             resume=path)
    err = capsys.readouterr().err
    assert err.startswith("\repoch 3/4 batch 0/3 |") and " 50% [" in err.split("\r")[1]
    assert last_line(err).startswith("epoch 4/4 batch 3/3  loss ")


def drawn_on_a_terminal(columns):
    """What a run draws, unforced, on a pseudo-terminal ``columns`` wide (0: width unknown)."""
    fcntl, termios = pytest.importorskip("fcntl"), pytest.importorskip("termios")
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    stream = os.fdopen(slave, "w", encoding="utf-8")
    history = iris_run(callbacks=[ProgressBar(stream, interval=60)])  # draws: first and last
    stream.close()
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the terminal's other end is closed and all is read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return b"".join(chunks).decode("utf-8"), history


@pytest.mark.parametrize("columns", [150, 0])
def test_tqdm_bar_fills_a_terminal_or_keeps_20_wide(columns):
    pytest.importorskip("tqdm", reason="tqdm is optional; the plain bar is tested without it")
    text, history = drawn_on_a_terminal(columns)
    final = last_line(text.replace("\r\n", "\n"))
    assert final.startswith(f"epoch 3/3 batch 3/3  loss {history.last['loss']:.4f}")
    assert f"val_accuracy {history.last['val_accuracy']:.4f} |" in final
    assert final.endswith("| 100% [00:00<00:00]")
    if columns:
        assert columns - 2 <= len(final) <= columns  # the bar takes the rest of the line
        assert re.search(r" \|.{30,}\| 100%", final)
    else:
        assert re.search(r" \|.{20}\| 100%", final)


def test_plain_line_when_tqdm_is_missing(without_tqdm, capsys):
    history = iris_run(callbacks=[ProgressBar(force=True, interval=0)])
    err = capsys.readouterr().err
    last = history.last
    assert last_line(err).rstrip() == (
        f"epoch 3/3 [####################] batch 3/3  loss {last['loss']:.4f}  accuracy "
        f"{last['accuracy']:.4f}  val_loss {last['val_loss']:.4f}  val_accuracy "
        f"{last['val_accuracy']:.4f}")
    assert "epoch 1/3 [##" in err and err.endswith("\n") and err.count("\n") == 1


@pytest.mark.parametrize("tqdm_installed", [True, False])
def test_nothing_drawn_off_a_terminal_unless_forced(tqdm_installed, monkeypatch, capsys):
    if tqdm_installed:
        pytest.importorskip("tqdm", reason="tqdm is optional")
    else:
        monkeypatch.setitem(sys.modules, "tqdm", None)
    iris_run(verbose=True)  # pytest's stderr is not a terminal
    stream = io.StringIO()
    iris_run(callbacks=[ProgressBar(stream)])
    assert capsys.readouterr().err == "" and stream.getvalue() == ""


def test_a_terminal_stream_is_drawn_on_without_force(without_tqdm):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    iris_run(callbacks=[ProgressBar(stream, interval=0)])
    assert "epoch 3/3 [####################] batch 3/3" in stream.getvalue()


@pytest.mark.parametrize("tqdm_installed", [True, False])
def test_the_bar_ends_its_line_when_training_diverges(tqdm_installed, monkeypatch):
    if tqdm_installed:
        pytest.importorskip("tqdm", reason="tqdm is optional")
    else:
        monkeypatch.setitem(sys.modules, "tqdm", None)
    stream = io.StringIO()
    X, y = np.array([[1.0], [-1.0]]), np.array([[1.0], [0.0]])
    with np.errstate(all="ignore"), pytest.raises(FloatingPointError) as info:
        fit(nn.Linear(1, 1, rng=0), nn.mean_squared_error, (X, y), optim.sgd(50.0),
            epochs=1000, metrics=(), callbacks=[ProgressBar(stream, force=True, interval=0)])
    text = stream.getvalue()
    assert info.value.epoch > 10 and f"epoch {info.value.epoch - 1}/1000" in text
    assert text.endswith("\n") and text.count("\n") == 1  # the error starts on a new line


def test_command_line_quiet_prints_nothing_and_progress_draws(tmp_path, capsys):
    args = ["train", "--epochs", "3", "--out", str(tmp_path), "--seed", "0"]
    assert main([*args, "--quiet", "--name", "quiet"]) == 0
    assert capsys.readouterr() == ("", "")
    assert main([*args, "--progress", "--name", "shown"]) == 0
    err = capsys.readouterr().err
    assert "epoch 3/3" in err and "val_loss" in err
