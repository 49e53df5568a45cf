"""Mimic models (distillation): chainrule.compress.mimic."""

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn, optim
from chainrule.compress.mimic import DistillationLoss, StudentSizeWarning, distill, soft_targets
from chainrule.train import predict
from chainrule.train.metrics import accuracy
from chainrule.train.mlp import build_mlp
from tests.compress.helpers import trained_on_digits


def _softmax(u):
    e = np.exp(u - u.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@pytest.fixture(scope="module")
def digits():
    return trained_on_digits(128, 15)


@pytest.mark.parametrize("T", [1.0, 4.0])
def test_soft_loss_and_its_gradient_match_the_formula(T):
    rng = np.random.default_rng(1)
    n, c = 6, 5
    z, p = rng.normal(size=(n, c)), _softmax(rng.normal(size=(n, c)) / T)
    targets = np.concatenate([p, np.zeros((n, c))], axis=1)
    loss = DistillationLoss(temperature=T)
    q = _softmax(z / T)
    assert float(loss(z, targets)) == pytest.approx(
        T * T * np.mean(-np.sum(p * np.log(q), axis=1)), rel=1e-12)
    expected = (q - p) / T * T * T / n
    np.testing.assert_allclose(cr.grad(lambda z: loss(z, targets))(z), expected, rtol=1e-10)
    np.testing.assert_allclose(cr.jit(cr.grad(lambda z: loss(z, targets)))(z), expected,
                               rtol=1e-10)


def test_labelled_loss_adds_the_weighted_hard_term():
    rng = np.random.default_rng(2)
    n, c, T, alpha = 7, 4, 3.0, 0.3
    z, p, y = rng.normal(size=(n, c)), _softmax(rng.normal(size=(n, c))), rng.integers(0, c, n)
    onehot = np.eye(c)[y]
    targets = np.concatenate([p, onehot], axis=1)
    loss = DistillationLoss(temperature=T, alpha=alpha, labelled=True)
    soft = DistillationLoss(temperature=T)(z, targets)
    hard = nn.softmax_cross_entropy(z, y)
    assert float(loss(z, targets)) == pytest.approx(alpha * soft + (1 - alpha) * hard, rel=1e-12)
    expected = alpha * T * (_softmax(z / T) - p) / n + (1 - alpha) * (_softmax(z) - onehot) / n
    np.testing.assert_allclose(cr.grad(lambda z: loss(z, targets))(z), expected, rtol=1e-10)


def test_soft_targets_are_the_softened_teacher_outputs(digits):
    teacher, _, (X, _) = digits
    u = predict(teacher, X[:20])
    for T in [1.0, 4.0]:
        np.testing.assert_allclose(soft_targets(teacher, X[:20], T), _softmax(u / T), rtol=1e-12)
    hot, soft = soft_targets(teacher, X[:20], 1.0), soft_targets(teacher, X[:20], 8.0)
    assert np.all(soft.max(axis=1) < hot.max(axis=1))  # softer, same ranking
    np.testing.assert_array_equal(soft.argmax(axis=1), hot.argmax(axis=1))


def test_student_gets_within_a_few_points_of_the_teacher(digits):
    teacher, (X, y), (Xte, yte) = digits
    before = {k: v.copy() for k, v in teacher.state_dict().items()}
    teacher_acc = accuracy(predict(teacher, Xte), yte)
    results = {}
    for labelled in (True, False):
        student = build_mlp(64, [16], 10, seed=1)  # 1210 numbers against the teacher's 9610
        history = distill(teacher, student, X, y if labelled else None,
                          optimizer=optim.adam(1e-2), epochs=10, batch_size=64, temperature=4.0,
                          validation=(Xte, yte))
        results[labelled] = accuracy(predict(student, Xte), yte)
        assert history.last["val_agreement"] > 0.95
        assert ("val_accuracy" in history.last) == labelled
        if labelled:
            assert history.last["val_accuracy"] == pytest.approx(results[labelled])
        assert history["loss"][-1] < history["loss"][0]
    # measured: teacher 0.974; student 0.968 with labels, 0.966 on the inputs alone
    assert teacher_acc > 0.95
    assert all(teacher_acc - acc < 0.03 for acc in results.values()), (teacher_acc, results)
    for k, v in teacher.state_dict().items():
        np.testing.assert_array_equal(v, before[k])


def test_a_student_no_smaller_warns_and_bad_input_is_refused(digits):
    teacher, (X, y), _ = digits
    X, y = X[:50], y[:50]
    big = build_mlp(64, [256], 10, seed=2)
    with pytest.warns(StudentSizeWarning, match="student stores 19210 numbers, the teacher 9610"):
        distill(teacher, big, X, y, optimizer=optim.sgd(0.1), epochs=1)
    small = build_mlp(64, [8], 10, seed=2)
    with pytest.raises(ValueError, match="teacher gives 10 class scores .* the student 3"):
        distill(teacher, build_mlp(64, [8], 3), X, optimizer=optim.sgd(0.1), epochs=1)
    with pytest.raises(ValueError, match="labels of X must be 50 class indices in 0..9"):
        distill(teacher, small, X, y + 1, optimizer=optim.sgd(0.1), epochs=1)
    with pytest.raises(ValueError, match="labels of validation"):
        distill(teacher, small, X, y, optimizer=optim.sgd(0.1), epochs=1,
                validation=(X, y.astype(float)))
    with pytest.raises(ValueError, match="temperature must be positive"):
        distill(teacher, small, X, optimizer=optim.sgd(0.1), epochs=1, temperature=0.0)
    with pytest.raises(ValueError, match="alpha .* must be in \\[0, 1\\]"):
        distill(teacher, small, X, y, optimizer=optim.sgd(0.1), epochs=1, alpha=1.5)
    with pytest.raises(ValueError, match="the teacher must be a chainrule.nn.Module"):
        distill(lambda x: x, small, X, optimizer=optim.sgd(0.1), epochs=1)
    with pytest.raises(ValueError, match="X must be a non-empty \\(n, features\\) array"):
        distill(teacher, small, X[0], optimizer=optim.sgd(0.1), epochs=1)
