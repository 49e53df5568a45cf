"""Mimic models (seed 003 section 3.7.3, "Leveraging Mimic Models"; knowledge distillation,
Hinton, Vinyals and Dean 2015): a small *student* is trained on the softmax outputs of a
trained *teacher*, targets that carry more than the 0/1 labels (which classes the teacher
finds alike) and that wash out label noise, so the student gets closer to the teacher than
it would on the labels alone. Unlabelled inputs serve as well: the teacher labels them.

The outputs are softened by a temperature T: the teacher's ``p = softmax(u / T)`` against the
student's ``q = softmax(z / T)``. The soft loss is T^2 times their cross-entropy, averaged over
the samples; its gradient, T (q - p) / n, shrinks like 1/T for large T, and the factor T^2
keeps it at the scale of the ordinary loss's whatever the temperature. (Being a cross-entropy,
not a divergence, its floor is T^2 times the entropy of p, not 0.) With labels the loss is
``alpha * soft + (1 - alpha) * cross_entropy(softmax(z), labels)``; without, the soft loss only.

The student trains by plain ``chainrule.train.fit``: the targets it is given are the teacher's
soft targets, precomputed once, packed with the one-hot labels into rows ``[p | one-hot]`` of
2C columns, and ``DistillationLoss`` reads the two halves. The history records ``agreement``
(the student predicts the teacher's class) and, with labels, ``accuracy`` (the label's class).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from chainrule import nn
from chainrule import numpy as cnp
from chainrule.optim import GradientTransformation
from chainrule.train import History, fit, predict


class StudentSizeWarning(UserWarning):
    """The student stores no fewer numbers than its teacher: distillation, not compression."""


class DistillationLoss:
    """``loss(z, targets)``: T^2 times the cross-entropy between the teacher's ``p`` (the
    first C columns of ``targets``) and ``softmax(z / T)``, averaged over the rows; with
    ``labelled``, ``alpha`` times that plus ``1 - alpha`` times the cross-entropy of
    ``softmax(z)`` with the one-hot labels in the next C columns. A class, so that
    data-parallel workers can be sent it.

    Example:
        >>> import numpy as np
        >>> loss = DistillationLoss(temperature=2.0)
        >>> float(loss(np.zeros((1, 2)), np.array([[0.5, 0.5, 0.0, 0.0]])))  # 4 log 2
        2.772588722239781
    """

    def __init__(self, temperature: float = 4.0, alpha: float = 0.5,
                 labelled: bool = False) -> None:
        temperature, alpha = float(temperature), float(alpha)
        if not (np.isfinite(temperature) and temperature > 0):
            raise ValueError(f"DistillationLoss: the temperature must be positive, got "
                             f"{temperature!r}")
        if not 0.0 <= alpha <= 1.0:
            raise ValueError(f"DistillationLoss: alpha (the soft loss's weight) must be in "
                             f"[0, 1], got {alpha!r}")
        self.temperature, self.alpha, self.labelled = temperature, alpha, bool(labelled)
        self.__name__ = "distillation"

    def __call__(self, output: Any, targets: Any) -> Any:
        c, t = output.shape[-1], self.temperature
        log_q = nn.log_softmax(output / t, axis=-1)
        soft = -cnp.mean(cnp.sum(targets[..., :c] * log_q, axis=-1)) * (t * t)
        if not self.labelled:
            return soft
        hard = -cnp.mean(cnp.sum(targets[..., c:] * nn.log_softmax(output, axis=-1), axis=-1))
        return self.alpha * soft + (1.0 - self.alpha) * hard


class PartScore:
    """The fraction of rows whose predicted class is the argmax of one part of the packed
    targets: part 0 the teacher's (``agreement``), part 1 the labels' (``accuracy``)."""

    def __init__(self, name: str, part: int) -> None:
        self.__name__, self.part = name, part

    def __call__(self, output: Any, targets: Any) -> float:
        out = np.asarray(output)
        c = out.shape[-1]
        reference = np.asarray(targets)[:, self.part * c:(self.part + 1) * c]
        return float(np.mean(np.argmax(out, axis=-1) == np.argmax(reference, axis=-1)))


def soft_targets(teacher: nn.Module, X: Any, temperature: float = 4.0) -> np.ndarray:
    """The teacher's softened class probabilities ``softmax(teacher(X) / T)`` (inference mode).

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> p = soft_targets(nn.Linear(3, 4, rng=0), np.ones((2, 3)), temperature=100.0)
        >>> p.shape, bool(np.allclose(p.sum(axis=1), 1)), bool(np.all(abs(p - 0.25) < 0.01))
        ((2, 4), True, True)
    """
    u = predict(teacher, X) / float(temperature)
    e = np.exp(u - u.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def distill(teacher: nn.Module, student: nn.Module, X: Any, y: Any = None, *,
            optimizer: GradientTransformation, epochs: int, temperature: float = 4.0,
            alpha: float = 0.5, batch_size: int | None = None, seed: int = 0,
            validation: Any = None) -> History:
    """Train ``student`` in place (by ``fit``) to mimic ``teacher`` on the inputs ``X``, with
    the labels ``y`` when given (``alpha`` weights the soft loss) or without them (soft loss
    only: any unlabelled inputs will do). ``validation`` = (X_val, y_val) with labels adds
    ``val_loss`` and ``val_agreement`` (and ``val_accuracy`` when training has labels).
    The teacher is not changed. A student storing at least as many numbers as the teacher
    gives a ``StudentSizeWarning`` (it trains all the same: a larger student is legitimate
    distillation, only not compression).

    Example:
        >>> import numpy as np
        >>> from chainrule import nn, optim
        >>> X = np.random.default_rng(0).normal(size=(64, 4))
        >>> teacher = nn.Sequential(nn.Linear(4, 32, rng=0), nn.Tanh(), nn.Linear(32, 3, rng=1))
        >>> student = nn.Linear(4, 3, rng=2)
        >>> h = distill(teacher, student, X, optimizer=optim.adam(1e-1), epochs=20)
        >>> h["loss"][-1] < h["loss"][0], h.last["agreement"] > 0.8
        (True, True)
    """
    for name, model in (("teacher", teacher), ("student", student)):
        if not isinstance(model, nn.Module):
            raise ValueError(f"distill: the {name} must be a chainrule.nn.Module, got "
                             f"{type(model).__name__}")
    loss = DistillationLoss(temperature, alpha, labelled=y is not None)
    X = np.asarray(X)
    targets = _packed(teacher, student, X, y, loss.temperature, "X")
    if student.num_parameters() >= teacher.num_parameters():
        warnings.warn(f"distill: the student stores {student.num_parameters()} numbers, the "
                      f"teacher {teacher.num_parameters()}; a student no smaller than its "
                      "teacher compresses nothing", StudentSizeWarning, stacklevel=2)
    if validation is not None:
        X_val, y_val = validation
        X_val = np.asarray(X_val)
        validation = (X_val, _packed(teacher, student, X_val, y_val, loss.temperature,
                                     "validation"))
    metrics = [PartScore("agreement", 0)] + ([PartScore("accuracy", 1)] if loss.labelled
                                             else [])
    return fit(student, loss, (X, targets), optimizer, epochs=epochs, batch_size=batch_size,
               seed=seed, validation=validation, metrics=metrics)


def _packed(teacher: nn.Module, student: nn.Module, X: np.ndarray, y: Any, temperature: float,
            what: str) -> np.ndarray:
    """Rows ``[p | one-hot(y)]`` (2C columns; zeros for the labels when ``y`` is None)."""
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"distill: {what} must be a non-empty (n, features) array, got shape "
                         f"{X.shape}")
    p = soft_targets(teacher, X, temperature)
    c = p.shape[-1]
    z = predict(student, X[:1])
    if z.shape != (1, c):
        raise ValueError(f"distill: the teacher gives {c} class scores per sample, the student "
                         f"{z.shape[-1]}; they must score the same classes")
    labels = np.zeros_like(p)
    if y is not None:
        y = np.asarray(y)
        if y.shape != (X.shape[0],) or y.dtype.kind not in "iu" or y.min() < 0 or y.max() >= c:
            raise ValueError(f"distill: the labels of {what} must be {X.shape[0]} class "
                             f"indices in 0..{c - 1}, got shape {y.shape} ({y.dtype})")
        labels[np.arange(len(y)), y] = 1.0
    return np.concatenate([p, labels], axis=1)
