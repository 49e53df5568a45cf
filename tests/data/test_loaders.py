"""CSV and NPZ loading: round trips, column selection, and errors that name line and column."""

import os

import numpy as np
import pytest

from chainrule.data import load_csv, load_npz, save_csv, save_npz
from chainrule.files import write_atomically


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_round_trip_is_exact(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(25, 3)) * 10.0 ** rng.integers(-8, 8, size=(25, 3))
    y = rng.integers(0, 3, 25)
    path = tmp_path / "data.csv"
    save_csv(path, X, y, feature_names=["a", "b, with comma", "c"], class_names=["x", "y", "z"])
    data = load_csv(path, target="target")
    assert np.array_equal(data.X, X) and np.array_equal(data.y, y)
    assert data.feature_names == ("a", "b, with comma", "c")
    assert data.class_names == ("x", "y", "z") and data.source == str(path)


def test_csv_regression_round_trip(tmp_path):
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    y = np.array([[0.1], [-2.5e-300]])
    save_csv(tmp_path / "r.csv", X, y, target_name="price")
    data = load_csv(tmp_path / "r.csv", "price")
    assert data.task == "regression" and data.y.shape == (2, 1) and data.y.dtype == np.float64
    assert np.array_equal(data.y, y) and data.target_name == "price"


def test_csv_text_target_becomes_sorted_class_labels(tmp_path):
    path = write(tmp_path / "f.csv", "kind,w,h\nrose,1,2\ntulip,3,4\nlily,5,6\nrose,7,8\n")
    data = load_csv(path, target=0)
    assert data.class_names == ("lily", "rose", "tulip")
    assert data.y.tolist() == [1, 2, 0, 1] and data.y.dtype == np.int64
    assert data.X.tolist() == [[1, 2], [3, 4], [5, 6], [7, 8]]
    assert data.feature_names == ("w", "h")


def test_csv_column_selection_by_name_and_index(tmp_path):
    path = write(tmp_path / "c.csv", "id,a,b,c,label\n1,10,20,30,0\n2,11,21,31,1\n")
    data = load_csv(path, "label", features=["c", 1])
    assert data.feature_names == ("c", "a") and data.X.tolist() == [[30, 10], [31, 11]]
    assert data.task == "regression"  # numeric target, classification not asked for
    labels = load_csv(path, -1, features=[-2], classification=True)
    assert labels.y.tolist() == [0, 1] and labels.class_names == ("0", "1")


def test_csv_numeric_classes_sorted_numerically(tmp_path):
    path = write(tmp_path / "n.csv", "x,y\n0,10\n1,2\n2,10\n3,2.5\n")
    data = load_csv(path, classification=True)
    assert data.class_names == ("2", "2.5", "10") and data.y.tolist() == [2, 0, 2, 1]


def test_csv_class_names_fix_the_mapping(tmp_path):
    path = write(tmp_path / "test.csv", "x,y\n0,b\n1,b\n")
    data = load_csv(path, class_names=["a", "b", "c"])
    assert data.y.tolist() == [1, 1] and data.n_classes == 3


def test_csv_quoting_bom_blank_lines_and_semicolons(tmp_path):
    path = tmp_path / "q.csv"
    path.write_bytes('\ufeff"a";"b"\n\n1,5;"x"\n2;y\n'.encode())
    data = load_csv(path, delimiter=";", features=[], target="b")
    assert data.X.shape == (2, 0)
    with pytest.raises(ValueError, match=r"q\.csv, line 3, column 'a': '1,5' is not a finite"):
        load_csv(path, delimiter=";", target="b")


@pytest.mark.parametrize(
    "text, pattern",
    [
        ("a,b,c\n1,2,0\n3,4\n", r"bad\.csv, line 3: 2 fields but the header has 3 columns.*"
                                r"column 'c' has no value"),
        ("a,b,c\n1,2,0\n3,4,1,9\n", r"bad\.csv, line 3: 4 fields.*field 4 \('9'\)"),
        ("a,b,c\n1,2,0\n\n3,NA,1\n", r"bad\.csv, line 4, column 'b': missing value \('NA'\)"),
        ("a,b,c\n1,,0\n", r"bad\.csv, line 2, column 'b': missing value \(''\)"),
        ("a,b,c\n1,2,0\n1,two,0\n", r"bad\.csv, line 3, column 'b': 'two' is not a finite"),
        ("a,b,c\n1,inf,0\n", r"bad\.csv, line 2, column 'b': 'inf' is not a finite"),
        ("a,b,c\n1,2,\n", r"bad\.csv, line 2, column 'c': missing value"),
        ("a,b,c\n1,2,0\n", None),
    ],
)
def test_csv_errors_name_file_line_and_column(tmp_path, text, pattern):
    path = write(tmp_path / "bad.csv", text)
    if pattern is None:
        assert load_csv(path).X.tolist() == [[1.0, 2.0]]
        return
    with pytest.raises(ValueError, match=pattern):
        load_csv(path)


def test_csv_errors_in_target_and_structure(tmp_path):
    path = write(tmp_path / "t.csv", "a,label\n1,x\n2,y\n3,zz\n")
    with pytest.raises(ValueError, match=r"line 4, column 'label': class 'zz' is not one of"):
        load_csv(path, class_names=["x", "y"])
    with pytest.raises(ValueError, match=r"line 2, column 'label': 'x' is not a finite.*regress"):
        load_csv(path, classification=False)
    with pytest.raises(ValueError, match=r"no target column named 'lbl'.*\['a', 'label'\]"):
        load_csv(path, "lbl")
    with pytest.raises(ValueError, match="target column index 5 is out of range"):
        load_csv(path, 5)
    with pytest.raises(ValueError, match="include the target"):
        load_csv(path, "label", features=["a", "label"])
    with pytest.raises(ValueError, match="the file is empty"):
        load_csv(write(tmp_path / "empty.csv", ""))
    with pytest.raises(ValueError, match="no data rows"):
        load_csv(write(tmp_path / "head.csv", "a,b\n"))
    with pytest.raises(ValueError, match="2 columns named 'a'"):
        load_csv(write(tmp_path / "dup.csv", "a,a,b\n1,2,3\n"), "a")


def test_npz_round_trip_with_names(tmp_path):
    X, y = np.arange(12.0).reshape(4, 3), np.array([2, 0, 1, 2])
    save_npz(tmp_path / "d.npz", X, y, class_names=["a", "b", "c"], feature_names=["p", "q", "r"])
    data = load_npz(tmp_path / "d.npz")
    assert np.array_equal(data.X, X) and np.array_equal(data.y, y) and data.y.dtype == np.int64
    assert data.class_names == ("a", "b", "c") and data.feature_names == ("p", "q", "r")
    assert os.listdir(tmp_path) == ["d.npz"]  # written exactly there, no temp file left


def test_npz_named_keys_and_regression(tmp_path):
    np.savez(tmp_path / "k.npz", inputs=np.ones((3, 2), np.float32), targets=np.arange(3.0))
    data = load_npz(tmp_path / "k.npz", x_key="inputs", y_key="targets")
    assert data.X.dtype == np.float64 and data.y.shape == (3, 1) and data.task == "regression"
    labels = load_npz(tmp_path / "k.npz", x_key="inputs", y_key="targets", classification=True)
    assert labels.y.tolist() == [0, 1, 2] and labels.class_names == ("0", "1", "2")


def test_npz_errors(tmp_path):
    np.savez(tmp_path / "a.npz", X=np.ones((2, 2)), labels=np.zeros(2))
    with pytest.raises(ValueError, match=r"a\.npz: no array named 'y'; the archive has"):
        load_npz(tmp_path / "a.npz")
    X = np.ones((3, 2))
    X[1, 1] = np.nan
    np.savez(tmp_path / "nan.npz", X=X, y=np.zeros(3, int))
    with pytest.raises(ValueError, match=r"nan\.npz: X\[1, 1\] \('x1'\) is nan: sample 1 "
                       r"\(0-based\), feature column 1 \(the only such cell\)"):
        load_npz(tmp_path / "nan.npz")
    np.savez(tmp_path / "obj.npz", X=np.array([{"a": 1}], dtype=object), y=np.zeros(1))
    with pytest.raises(ValueError, match="object arrays"):
        load_npz(tmp_path / "obj.npz")
    np.savez(tmp_path / "len.npz", X=np.ones((3, 2)), y=np.zeros(2, int))
    with pytest.raises(ValueError, match=r"y must have shape \(3,\)"):
        load_npz(tmp_path / "len.npz")
    np.savez(tmp_path / "flat.npz", X=np.ones(3), y=np.zeros(3, int))
    with pytest.raises(ValueError, match="X must be 2-D"):
        load_npz(tmp_path / "flat.npz")


def test_save_csv_rejects_bad_labels(tmp_path):
    with pytest.raises(ValueError, match=r"int labels in 0\.\.1"):
        save_csv(tmp_path / "x.csv", np.ones((2, 1)), np.array([0, 2]), class_names=["a", "b"])
    with pytest.raises(ValueError, match="one target column"):
        save_csv(tmp_path / "x.csv", np.ones((2, 1)), np.ones((2, 2)))
    assert not (tmp_path / "x.csv").exists()


def test_atomic_write_keeps_old_file_on_failure(tmp_path):
    target = tmp_path / "keep.txt"
    target.write_text("old")

    def fail(f):
        f.write("partial")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_atomically(target, fail, binary=False)
    assert target.read_text() == "old" and os.listdir(tmp_path) == ["keep.txt"]
