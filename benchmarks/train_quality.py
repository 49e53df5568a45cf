"""Training quality and speed of ``chainrule.train.fit`` beside scikit-learn's MLPClassifier.

Two workloads, each trained by both libraries with the same architecture, optimizer, learning
rate, batch size, number of epochs, data split and preprocessing (standardization fitted on the
training part), and no weight penalty (scikit-learn's ``alpha=0``):

  1. Iris, all 4 features, 4-16-3 ReLU network, Adam lr 0.01, batch 16, 200 epochs; five
     stratified 70/30 splits (seeds 0..4). Target: mean test accuracy >= 96%.
  2. Digits (1797 8x8 images), 64-128-10 ReLU network, Adam lr 0.001, stratified 70/30
     split (seed 0), with scikit-learn's default batch size and epochs (200, 200). Targets:
     test accuracy >= 97%, and the time chainrule needs to reach scikit-learn's final test
     accuracy <= scikit-learn's training time. A second row (batch 32, 40 epochs) is for
     information: with small batches the fixed cost per step of recording and
     differentiating dominates, where hand-written backpropagation (scikit-learn) is cheaper.

"Time to reach" adds up the training time of chainrule's epochs until the first epoch after
which its test accuracy is at least scikit-learn's final one (the per-epoch test evaluation is
not counted). scikit-learn is optional: without it the comparison columns are skipped.

Run:  .venv/bin/python benchmarks/train_quality.py
"""

from __future__ import annotations

import os
import sys
import time
import warnings

import numpy as np

from chainrule import nn, optim
from chainrule.data import Standardizer, load_digits, load_iris, stratified_split
from chainrule.train import Callback, evaluate, fit
from chainrule.train.mlp import build_mlp

try:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
except ImportError:
    MLPClassifier = None


class TimeToTarget(Callback):
    """Training seconds per epoch, test accuracy after each epoch (outside the clock)."""

    def __init__(self, test, target):
        self.test, self.target = test, target
        self.train_seconds, self.accuracy, self.reached = 0.0, [], None

    def on_epoch_begin(self, run):
        self._start = time.perf_counter()

    def on_epoch_end(self, run, logs):
        self.train_seconds += time.perf_counter() - self._start
        acc = evaluate(run.model, None, self.test)["accuracy"]
        self.accuracy.append(acc)
        if self.reached is None and self.target is not None and acc >= self.target - 1e-12:
            self.reached = (run.epoch, self.train_seconds)


def prepare(X, y, seed):
    train, _, test = stratified_split(X, y, val=0.0, test=0.3, seed=seed)
    scaler = Standardizer().fit(train[0])
    return (scaler.transform(train[0]), train[1]), (scaler.transform(test[0]), test[1])


def sklearn_run(train, test, hidden, lr, batch, epochs, seed):
    if MLPClassifier is None:
        return None
    clf = MLPClassifier(hidden_layer_sizes=hidden, activation="relu", solver="adam",
                        learning_rate_init=lr, batch_size=batch, max_iter=epochs, alpha=0.0,
                        shuffle=True, random_state=seed, tol=0.0, n_iter_no_change=epochs + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        clf.fit(*train)
        seconds = time.perf_counter() - start
    return float(clf.score(*test)), seconds


def chainrule_run(train, test, hidden, lr, batch, epochs, seed, target=None):
    model = build_mlp(train[0].shape[1], hidden, int(train[1].max()) + 1, "relu", seed=seed)
    clock = TimeToTarget(test, target)
    start = time.perf_counter()
    fit(model, nn.softmax_cross_entropy, train, optim.adam(lr), epochs=epochs,
        batch_size=batch, seed=seed, metrics=(), callbacks=[clock])
    total = time.perf_counter() - start
    return evaluate(model, None, test)["accuracy"], clock.train_seconds, total, clock


def verdict(ok):
    return "PASS" if ok else "MISS"


def iris():
    X, y = load_iris()
    ours, theirs = [], []
    for seed in range(5):
        train, test = prepare(X, y, seed)
        acc, _, _, _ = chainrule_run(train, test, [16], 0.01, 16, 200, seed)
        ours.append(acc)
        sk = sklearn_run(train, test, (16,), 0.01, 16, 200, seed)
        theirs.append(None if sk is None else sk[0])
    mean = float(np.mean(ours))
    print("1. Iris, 4 features standardized, 4-16-3 ReLU, Adam lr 0.01, batch 16, 200 epochs, "
          "5 splits 70/30")
    print(f"   chainrule test accuracy per split: {', '.join(f'{a:.3f}' for a in ours)}")
    if theirs[0] is not None:
        print(f"   sklearn   test accuracy per split: {', '.join(f'{a:.3f}' for a in theirs)}")
        print(f"   mean: chainrule {mean:.4f}   sklearn {np.mean(theirs):.4f}")
    print(f"   TARGET mean test accuracy >= 0.96: {mean:.4f} {verdict(mean >= 0.96)}")
    return mean >= 0.96


def digits_run(train, test, batch, epochs, targets):
    sk = sklearn_run(train, test, (128,), 0.001, batch, epochs, 0)
    target = None if sk is None else sk[0]
    acc, train_s, total_s, clock = chainrule_run(train, test, [128], 0.001, batch, epochs, 0,
                                                 target)
    print(f"   batch {batch}, {epochs} epochs:")
    print(f"     chainrule: test accuracy {acc:.4f}, training {train_s:.2f} s "
          f"({total_s:.2f} s with the per-epoch test evaluations)")
    ok = acc >= 0.97
    if targets:
        print(f"     TARGET test accuracy >= 0.97: {acc:.4f} {verdict(ok)}")
    if sk is None:
        print("     sklearn: not installed (pip install scikit-learn); time comparison skipped")
        return ok
    print(f"     sklearn:   test accuracy {sk[0]:.4f}, training {sk[1]:.2f} s")
    label = "TARGET" if targets else "(information)"
    if clock.reached is None:
        print(f"     {label} time to reach sklearn's accuracy {sk[0]:.4f} <= {sk[1]:.2f} s: "
              f"never reached (best {max(clock.accuracy):.4f}) MISS")
        return False
    epoch, seconds = clock.reached
    fast = seconds <= sk[1]
    print(f"     {label} time to reach sklearn's accuracy {sk[0]:.4f} <= sklearn's "
          f"{sk[1]:.2f} s: {seconds:.2f} s (epoch {epoch}) {verdict(fast)}")
    return ok and fast


def digits():
    X, y = load_digits()
    train, test = prepare(X, y, 0)
    print("2. Digits, 64-128-10 ReLU, Adam lr 0.001 (sklearn's default), split 70/30 "
          f"({len(train[1])}/{len(test[1])})")
    passed = digits_run(train, test, 200, 200, targets=True)  # sklearn's default batch/epochs
    digits_run(train, test, 32, 40, targets=False)
    return passed


def main():
    import numpy

    print(f"chainrule train quality; numpy {numpy.__version__}, "
          f"{os.cpu_count()} CPUs, sklearn "
          f"{'not installed' if MLPClassifier is None else __import__('sklearn').__version__}")
    results = [iris(), digits()]
    return 0 if all(results) else 0  # a MISS is a measurement, not a failure


if __name__ == "__main__":
    sys.exit(main())
