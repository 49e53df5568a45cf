"""Metrics on examples worked by hand, and History's JSON round trip."""

import json

import numpy as np
import pytest

from chainrule.train import (
    History,
    accuracy,
    confusion_matrix,
    mean_squared_error,
    predict_classes,
    r2_score,
)
from chainrule.train.metrics import get_metric

SCORES = np.array([[2.0, 1.0, 0.0], [0.0, 3.0, 1.0], [0.0, 1.0, 5.0], [4.0, 0.0, 0.0],
                   [0.0, 2.0, 1.0]])
LABELS = np.array([0, 1, 2, 2, 0])  # predictions 0, 1, 2, 0, 1: three right


def test_accuracy_by_hand():
    assert accuracy(SCORES, LABELS) == pytest.approx(3 / 5)
    assert accuracy(SCORES, np.eye(3)[LABELS]) == pytest.approx(3 / 5)  # one-hot labels
    assert accuracy(np.array([0.2, 0.9, 0.6]), np.array([0, 1, 0])) == pytest.approx(2 / 3)


def test_confusion_matrix_by_hand():
    m = confusion_matrix(SCORES, LABELS)
    assert m.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 1]]
    assert m.sum() == 5 and np.trace(m) == 3
    assert confusion_matrix(SCORES, LABELS, n_classes=4).shape == (4, 4)
    with pytest.raises(ValueError, match="n_classes=2"):
        confusion_matrix(SCORES, LABELS, n_classes=2)


def test_predict_classes_threshold():
    assert predict_classes(np.array([[0.4], [0.6]])).tolist() == [0, 1]


def test_mse_and_r2_by_hand():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    pred = np.array([1.5, 2.0, 2.5, 4.0])
    assert mean_squared_error(pred, y) == pytest.approx(0.125)  # (0.25 + 0 + 0.25 + 0) / 4
    # SS_res = 0.5, SS_tot = 5: R^2 = 0.9
    assert r2_score(pred, y) == pytest.approx(0.9)
    assert r2_score(pred[:, None], y[:, None]) == pytest.approx(0.9)
    assert r2_score(np.full(4, y.mean()), y) == pytest.approx(0.0)
    assert r2_score(np.ones(3), np.ones(3)) == 1.0


def test_metric_errors_name_the_problem():
    with pytest.raises(ValueError, match="targets of shape"):
        accuracy(SCORES, LABELS[:3])
    with pytest.raises(ValueError, match="unknown metric"):
        get_metric("precision")
    with pytest.raises(ValueError, match="whole numbers"):
        accuracy(SCORES, LABELS + 0.5)


def test_history_json_round_trip():
    h = History()
    h.append({"epoch": 1, "loss": np.float64(0.5), "accuracy": 0.75})
    h.append({"epoch": 2, "loss": float("nan")})
    data = json.loads(h.to_json())
    assert data["epochs"][1]["loss"] is None
    assert History.from_dict(data)["accuracy"] == [0.75]
    with pytest.raises(KeyError, match="recorded keys"):
        h["val_loss"]
