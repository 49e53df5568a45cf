"""``chainrule.train``: the training loop, its history, metrics, checkpoints and plots.

Example (a two-layer network on the XOR problem, mini-batch Adam):
    >>> import numpy as np
    >>> from chainrule import nn, optim
    >>> from chainrule.data import make_xor
    >>> from chainrule.train import evaluate, fit
    >>> X, y = make_xor(n_samples=200, seed=0)
    >>> net = nn.Sequential(nn.Linear(2, 16, rng=0), nn.Tanh(), nn.Linear(16, 2, rng=1))
    >>> h = fit(net, nn.softmax_cross_entropy, (X, y), optim.adam(0.05), epochs=40,
    ...         batch_size=32, seed=0)
    >>> evaluate(net, nn.softmax_cross_entropy, (X, y))["accuracy"] > 0.95
    True
"""

from chainrule.train.callbacks import Callback, EarlyStopping
from chainrule.train.checkpoint import Checkpoint, Checkpointer, load_checkpoint, save_checkpoint
from chainrule.train.evaluation import evaluate, predict
from chainrule.train.fit import NonFiniteLossError, Run, fit
from chainrule.train.history import History
from chainrule.train.metrics import (
    accuracy,
    confusion_matrix,
    mean_squared_error,
    predict_classes,
    r2_score,
)
from chainrule.train.progress import ProgressBar
from chainrule.train.watch import ValidationLossWarning

__all__ = [
    "Callback", "Checkpoint", "Checkpointer", "EarlyStopping", "History", "NonFiniteLossError",
    "ProgressBar", "Run", "ValidationLossWarning", "accuracy", "confusion_matrix", "evaluate",
    "fit", "load_checkpoint", "mean_squared_error", "predict", "predict_classes", "r2_score",
    "save_checkpoint",
]
