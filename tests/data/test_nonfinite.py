"""NaN and inf in data files are refused at load time with the line (CSV) or sample (.npz),
the column and the count, or dropped with ``nonfinite="drop"``; ``fit`` refuses them too,
so bad data is never blamed on the learning rate."""

import numpy as np
import pytest

from chainrule import nn, optim
from chainrule.cli import main
from chainrule.data import Dataset, load_csv, load_dataset, load_npz, save_npz
from chainrule.data.nonfinite import bad_samples, find
from chainrule.train import NonFiniteLossError, fit

CSV = "a,b,c\n1,2,0\n1,nan,1\n\n3,inf,\n4,5,1\n,1e999,0\n6,7,1\n8,9,0\n"


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_names_every_missing_or_nonfinite_cell_with_its_line_and_column(tmp_path):
    path = write(tmp_path / "bad.csv", CSV)
    with pytest.raises(ValueError) as info:
        load_csv(path)
    text = str(info.value)
    assert text.startswith(f"load_csv: {path}, line 3, column 'b': missing value ('nan'); ")
    assert ("5 missing or non-finite cells in 3 rows in all: line 3 column 'b' ('nan'), "
            "line 5 column 'b' ('inf'), line 5 column 'c' (''), line 7 column 'a' (''), "
            "line 7 column 'b' ('1e999'); ") in text  # the blank line 4 counts as a line
    assert text.endswith("drop those rows or fill in (impute) the values, or pass "
                         "nonfinite='drop' to skip them")


def test_csv_lists_only_the_first_five_and_counts_all(tmp_path):
    rows = "".join(f"{i},nan,0\n" for i in range(8))
    path = write(tmp_path / "many.csv", "a,b,c\n1,2,0\n" + rows)
    with pytest.raises(ValueError, match=r"8 missing or non-finite cells in 8 rows in all: "
                       r"line 3 .*line 7 column 'b' \('nan'\), \.\.\.; drop"):
        load_csv(path)


def test_csv_drop_skips_those_rows_and_records_their_lines(tmp_path):
    data = load_csv(write(tmp_path / "bad.csv", CSV), nonfinite="drop")
    assert data.X.tolist() == [[1.0, 2.0], [4.0, 5.0], [6.0, 7.0], [8.0, 9.0]]
    assert data.y.ravel().tolist() == [0.0, 1.0, 1.0, 0.0]
    assert data.dropped == (3, 5, 7) and "3 rows dropped" in repr(data)
    clean = load_csv(write(tmp_path / "ok.csv", "a,b\n1,2\n"), nonfinite="drop")
    assert clean.dropped == ()


def test_csv_nonfinite_target_is_not_taken_for_a_class_label(tmp_path):
    path = write(tmp_path / "t.csv", "x,y\n1,0.5\n2,inf\n3,1.5\n")
    with pytest.raises(ValueError, match=r"line 3, column 'y': 'inf' is not a finite number "
                       r"\(the only such cell\)"):
        load_csv(path)
    data = load_csv(path, nonfinite="drop")
    assert data.task == "regression" and data.y.ravel().tolist() == [0.5, 1.5]


def test_csv_drop_of_every_row_and_a_bad_choice(tmp_path):
    path = write(tmp_path / "all.csv", "a,b\nnan,1\n2,\n")
    with pytest.raises(ValueError, match=r"no data rows after the header \(2 rows dropped for "
                       "missing or non-finite values\\)"):
        load_csv(path, nonfinite="drop")
    with pytest.raises(ValueError, match=r"nonfinite='skip'; use 'raise' .* or 'drop'"):
        load_csv(path, nonfinite="skip")


def test_npz_names_sample_column_and_count_and_drops(tmp_path):
    X = np.arange(12.0).reshape(6, 2)
    X[1, 1], X[4, 0] = np.nan, -np.inf
    y = np.arange(6.0)
    y[3] = np.inf
    save_npz(tmp_path / "n.npz", X, y, feature_names=["u", "v"])
    with pytest.raises(ValueError) as info:
        load_npz(tmp_path / "n.npz")
    assert str(info.value) == (
        f"load_npz: {tmp_path / 'n.npz'}: X[1, 1] ('v') is nan: sample 1 (0-based), feature "
        "column 1; 3 non-finite cells in 3 samples in all: X[1, 1] ('v') = nan, y[3] = inf, "
        "X[4, 0] ('u') = -inf; drop those samples or impute the values, or pass "
        "nonfinite='drop' to skip them")
    data = load_npz(tmp_path / "n.npz", nonfinite="drop")
    assert data.dropped == (1, 3, 4) and data.X[:, 0].tolist() == [0.0, 4.0, 10.0]
    assert data.y.ravel().tolist() == [0.0, 2.0, 5.0]


def test_npz_nan_class_labels_are_named_not_called_fractional(tmp_path):
    np.savez(tmp_path / "c.npz", X=np.ones((3, 1)), y=np.array([0.0, np.nan, 1.0]))
    with pytest.raises(ValueError, match=r"y\[1\] is nan: sample 1 \(0-based\) \(the only"):
        load_npz(tmp_path / "c.npz", classification=True)
    assert load_npz(tmp_path / "c.npz", classification=True, nonfinite="drop").y.tolist() == [0, 1]


def test_load_dataset_passes_nonfinite_to_the_file_loaders(tmp_path):
    path = write(tmp_path / "bad.csv", CSV)
    with pytest.raises(ValueError, match="line 3, column 'b'"):
        load_dataset(path)
    assert load_dataset(path, nonfinite="drop").dropped == (3, 5, 7)


def test_find_and_bad_samples_over_features_and_targets():
    X = np.array([[0.0, 1.0], [np.nan, 2.0], [3.0, 4.0]])
    y = np.array([[0.0], [1.0], [np.inf]])
    assert bad_samples(X, y).tolist() == [False, True, True]
    assert bad_samples(np.ones((3, 2), int)).tolist() == [False] * 3
    entries, count, rows = find([("X", X, None), ("y", y, None)])
    assert (count, rows) == (2, 2)
    assert [e[:3] for e in entries] == [(1, "X", 0), (2, "y", 0)]


def test_fit_refuses_nonfinite_data_naming_sample_and_column():
    X, y = load_dataset("iris")
    X = X.copy()
    X[4, 2], X[9, 0] = np.nan, np.inf
    net = nn.Linear(4, 3, rng=0)
    before = net.W.copy()
    with pytest.raises(ValueError) as info:
        fit(net, nn.softmax_cross_entropy, (X, y), optim.sgd(0.1), epochs=2)
    text = str(info.value)
    assert text.startswith("fit: X[4, 2] is nan: sample 4 (0-based), feature column 2; 2 "
                           "non-finite cells in 2 samples in all: X[4, 2] = nan, X[9, 0] = inf")
    assert "learning rate" not in text and "not the training" in text
    assert np.array_equal(net.W, before)  # nothing was trained


def test_fit_refuses_nonfinite_validation_and_targets_with_column_names():
    data = load_dataset("iris")
    X = data.X.copy()
    X[7, 3] = np.nan
    bad = Dataset(X, data.y, data.feature_names)
    with pytest.raises(ValueError, match=r"^fit validation: X\[7, 3\] \('petal width \(cm\)'\) "
                       r"is nan: sample 7 \(0-based\), feature column 3 \(the only such cell\)"):
        fit(nn.Linear(4, 3, rng=0), nn.softmax_cross_entropy, data, optim.sgd(0.1), epochs=1,
            validation=bad)
    Xr, yr = np.ones((4, 1)), np.array([[1.0], [np.inf], [2.0], [np.nan]])
    with pytest.raises(ValueError, match=r"^fit: y\[1, 0\] is inf: sample 1 \(0-based\), "
                       r"target column 0; 2 non-finite cells in 2 samples"):
        fit(nn.Linear(1, 1, rng=0), nn.mean_squared_error, (Xr, yr), optim.sgd(0.1), epochs=1)


def test_divergence_with_finite_data_still_blames_the_step():
    X, y = np.array([[1e200], [-1e200]]), np.array([[1.0], [0.0]])
    with np.errstate(all="ignore"), pytest.raises(NonFiniteLossError, match="Lower the learning"):
        fit(nn.Linear(1, 1, rng=0), nn.mean_squared_error, (X, y), optim.sgd(1.0), epochs=2,
            metrics=())


def test_command_line_ends_in_one_line_and_exit_2(tmp_path, capsys):
    path = write(tmp_path / "bad.csv", "a,b,c\n1,2,x\n1,nan,y\n3,inf,x\n4,5,y\n6,7,x\n1,2,y\n")
    code = main(["train", "--data", str(path), "--out", str(tmp_path / "run"), "--epochs", "2"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"chainrule train: error: {path}, line 3, column 'b': missing value "
                          "('nan'); 2 missing or non-finite cells in 2 rows in all")
    assert err.rstrip().endswith("drop those rows or fill in (impute) the values in the file")
    assert "learning rate" not in err
