"""``chainrule check module:function --at ...`` end to end through ``main``."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from chainrule.cli import main

USER_CODE = '''
import numpy as np
import chainrule as cr


def loss(w, x):
    return np.sum(np.tanh(x @ w) ** 2)


def xent(W, y):
    from chainrule import nn
    return nn.softmax_cross_entropy(W, y)


@cr.primitive
def softplus(x):
    return np.logaddexp(0.0, x)


softplus.defvjp(lambda g, ans, x: g / (1 + np.exp(x)))     # wrong: should be exp(-x)
softplus.defjvp(lambda t, ans, x: t / (1 + np.exp(-x)))    # right


def wrong_vjp(x):
    return np.sum(softplus(x))


@cr.primitive
def cube(x):
    return x ** 3


cube.defvjp(lambda g, ans, x: g * 3 * x ** 2)              # and no JVP rule


def positional_only(a, b, /):
    return np.sum(a * np.sin(b))
'''


@pytest.fixture
def user_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "user_code.py"
    path.write_text(USER_CODE, encoding="utf-8")
    return str(path)


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(["check", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_a_correct_function_passes_both_modes_to_second_order(capsys, user_file):
    status, out, err = _run(capsys, f"{user_file}:loss", "--at",
                            "w=[0.5,-1.0],x=[[1,2],[3,4],[0.5,0.1]]")
    assert status == 0, err
    assert "gradient check of" in out and "relative ratio |Ge-Ga|/|Ge+Ga|" in out
    rows = [line.split() for line in out.splitlines() if line.endswith(" ok")]
    assert len(rows) == 8  # 2 arguments x 2 modes x 2 orders
    assert {(r[0], r[1], r[2]) for r in rows} == {
        (a, m, o) for a in "01" for m in ("fwd", "rev") for o in "12"}
    assert all(float(r[5]) < 1e-6 for r in rows)
    assert out.rstrip().endswith("ok: all 8 comparisons within the limit")
    assert "arguments: 0 = w, 1 = x" in out


def test_a_primitive_with_a_wrong_vjp_fails_with_the_report(capsys, user_file):
    status, out, _ = _run(capsys, f"{user_file}:wrong_vjp", "--at", "x=[-1.0,0.5,2]",
                          "--order", "1")
    assert status == 1
    rows = {tuple(line.split()[:2]): line.split() for line in out.splitlines()
            if line.endswith((" ok", " FAIL"))}
    assert rows[("0", "fwd")][-1] == "ok"
    assert rows[("0", "rev")][-1] == "FAIL"
    assert float(rows[("0", "rev")][5]) > 0.1  # the ratio: far above 1e-6
    assert "FAILED: 1 of 2 comparisons exceed the limit: x (rev, order 1)" in out


def test_the_primitive_itself_can_be_named(capsys, user_file):
    status, out, _ = _run(capsys, f"{user_file}:softplus", "--at", "x=[1,2]", "--modes", "rev",
                          "--order", "1")
    assert status == 1 and "FAIL" in out
    status, out, _ = _run(capsys, f"{user_file}:softplus", "--at", "x=[1,2]", "--modes", "fwd",
                          "--order", "1")
    assert status == 0 and "ok: all 1 comparisons" in out


def test_a_missing_rule_fails_the_check(capsys, user_file):
    status, out, _ = _run(capsys, f"{user_file}:cube", "--at", "x=[1,2]", "--order", "1")
    assert status == 1
    assert "FAILED: differentiating" in out and "no forward-mode (JVP) rule" in out
    assert _run(capsys, f"{user_file}:cube", "--at", "x=[1,2]", "--order", "1",
                "--modes", "rev")[0] == 0


def test_options_argnums_modes_order_seed_kink(capsys, user_file):
    status, out, _ = _run(capsys, f"{user_file}:xent", "--at", "W=[[1,2,3],[0,1,0]],y=[2,0]",
                          "--argnums", "W", "--order", "1", "--modes", "rev")
    assert status == 0
    assert "y=[2,0]" in out  # not differentiated: kept as integer labels
    assert [line.split()[:3] for line in out.splitlines() if line.endswith(" ok")] == [
        ["0", "rev", "1"]]
    outs = [_run(capsys, f"{user_file}:loss", "--at", "w=[0.5,-1],x=[[1,2]]", "--argnums", "0",
                 "--order", "1", "--seed", seed)[1] for seed in ("0", "1")]
    assert outs[0] != outs[1]  # other random directions, other directional derivatives
    status, out, _ = _run(capsys, f"{user_file}:loss", "--at", "w=[0.5,-1],x=[[1,2]]",
                          "--kink", "--order", "1")
    assert status == 0 and " 1e-03 " in out and " 1e-06 " not in out


def test_positional_only_parameters(capsys, user_file):
    status, out, _ = _run(capsys, f"{user_file}:positional_only", "--at", "b=[0.1,0.2],a=2")
    assert status == 0, out
    assert "arguments: 0 = a, 1 = b" in out  # the function's order, not --at's


def test_values_from_npy_and_npz_files(capsys, user_file, tmp_path):
    np.save(tmp_path / "w.npy", np.array([0.5, -1.0]))
    np.savez(tmp_path / "data.npz", x=np.array([[1.0, 2.0], [3.0, 4.0]]), other=np.ones(2))
    status, out, err = _run(capsys, f"{user_file}:loss", "--at", "w=@w.npy,x=@data.npz:x")
    assert status == 0, err
    status, _, err = _run(capsys, f"{user_file}:loss", "--at", "w=@w.npy,x=@data.npz:nope")
    assert status == 2
    assert "no array 'nope'" in err and "['x', 'other']" in err
    status, _, err = _run(capsys, f"{user_file}:loss", "--at", "w=@w.npy,x=@data.npz")
    assert status == 2 and "name the array" in err
    np.savez(tmp_path / "single.npz", anything=np.array([[1.0, 2.0]]))
    status, out, err = _run(capsys, f"{user_file}:loss", "--at", "w=@w.npy,x=@single.npz",
                            "--order", "1")
    assert status == 0 and "x=[[1.,2.]]" in out, err


def test_an_importable_module_seed_004(capsys):
    status, out, _ = _run(capsys, "chainrule.examples.seed_examples:seed004_loss", "--at",
                          "w=[-1,1.5,0.5]")
    assert status == 0
    assert "ok: all 4 comparisons within the limit" in out


@pytest.mark.parametrize("argv, message", [
    (["nosuchmodule_xyz:f", "--at", "x=1"], "cannot import module 'nosuchmodule_xyz'"),
    (["{file}:nope", "--at", "x=1"], "has no function 'nope'; its functions are"),
    (["missing.py:f", "--at", "x=1"], "no such file 'missing.py'"),
    (["{file}", "--at", "x=1"], "expected MODULE:FUNCTION"),
    (["{file}:loss", "--at", "w=[1,2],z=1"], "loss(w, x) has no parameter 'z'"),
    (["{file}:loss", "--at", "w=[1,2]"], "loss(w, x) needs 'x' too; add x=... to --at"),
    (["{file}:loss", "--at", "w=[[1,2],[3]],x=1"], "do not form a rectangular array"),
    (["{file}:loss", "--at", "w=1" + "0" * 400 + ",x=1"], "too large for float64"),
    (["{file}:loss", "--at", "w=[1,2],x=1e999"], "holds inf or nan"),
    (["{file}:loss", "--at", "w=True,x=1"], "is not a number or a (nested) list of numbers"),
    (["{file}:loss", "--at", "w=1+2j,x=1"], "is not a number or a (nested) list of numbers"),
    (["{file}:loss", "--at", "w=[1,2"], "unbalanced brackets"),
    (["{file}:loss", "--at", "w"], "expected NAME=VALUE pairs"),
    (["{file}:loss", "--at", "w=1,w=2"], "w is given twice"),
    (["{file}:loss", "--at", "w=[1,2],x=@none.npy"], "cannot read 'none.npy'"),
    (["{file}:loss", "--at", "w=[1,2],x=[1,2]", "--modes", "fwd,back"], "--modes"),
    (["{file}:loss", "--at", "w=[1,2],x=[1,2]", "--argnums", "q"], "--argnums 'q'"),
    (["{file}:loss", "--at", "w=[1,2],x=[1,2,3]"], "loss raised ValueError at these values"),
    (["{file}:loss", "--at", "w=1,x=1", "--order", "3"], "invalid choice: 3"),
    (["{file}:loss", "--at", "w=1,x=1", "--seed", "-1"], "expected an integer >= 0"),
])
def test_bad_input_exits_2_with_one_line(capsys, user_file, argv, message):
    status, out, err = _run(capsys, *[a.replace("{file}", user_file) for a in argv])
    assert status == 2
    assert message in err
    assert err.count("\n") == 1 and err.startswith("chainrule check: error:")
    assert "ok:" not in out


def test_long_values_are_reported_briefly(capsys, user_file):
    status, _, err = _run(capsys, f"{user_file}:loss", "--at",
                          "w=" + "[" * 300 + "1" + "]" * 300 + ",x=1")
    assert status == 2 and "is not a number" in err and len(err) < 300


def test_values_are_never_evaluated(capsys, user_file, tmp_path):
    marker = tmp_path / "pwned"
    status, _, err = _run(capsys, f"{user_file}:loss", "--at",
                          f"w=__import__('pathlib').Path({str(marker)!r}).touch(),x=1")
    assert status == 2 and "is not a number" in err
    assert not marker.exists()


def test_loading_leaves_sys_path_as_it_was(capsys, user_file):
    before = list(sys.path)
    _run(capsys, f"{user_file}:loss", "--at", "w=[1,2],x=[[1,2]]", "--order", "1")
    _run(capsys, "chainrule.examples.seed_examples:seed004_loss", "--at", "w=[-1,1.5,0.5]")
    assert sys.path == before


def test_a_file_with_a_dataclass_and_a_sibling_import(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "helpers_for_check.py").write_text("SCALE = 3.0\n", encoding="utf-8")
    (tmp_path / "model.py").write_text(
        "from __future__ import annotations\n"
        "from dataclasses import dataclass\n"
        "import numpy as np\n"
        "from helpers_for_check import SCALE\n\n"
        "@dataclass\nclass Config:\n    power: int = 3\n\n"
        "def f(x):\n    return SCALE * np.sum(x ** Config().power)\n", encoding="utf-8")
    status, out, err = _run(capsys, "model.py:f", "--at", "x=[0.5,2.0]")
    assert status == 0, err
    assert "x=[0.5,2.]" in out
    status, _, err = _run(capsys, "model.py:f", "--at", "x=1", "--argnums", "x,0")
    assert status == 0, err
