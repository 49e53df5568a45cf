"""The digits network the compression tests start from, trained once per test module."""

import numpy as np

from chainrule import nn, optim
from chainrule.data import Standardizer, load_digits
from chainrule.train import fit
from chainrule.train.mlp import build_mlp


def trained_on_digits(hidden: int, epochs: int) -> tuple:
    """``(model, (X_train, y_train), (X_test, y_test))``: a 64-hidden-10 network trained with
    Adam 1e-2 on 1300 standardized digits in a seeded order, the other 497 held out."""
    X, y = load_digits()
    order = np.random.default_rng(0).permutation(len(y))
    train, test = order[:1300], order[1300:]
    scale = Standardizer().fit(X[train])
    model = build_mlp(64, [hidden], 10, seed=0)
    fit(model, nn.softmax_cross_entropy, (scale.transform(X[train]), y[train]),
        optim.adam(1e-2), epochs=epochs, batch_size=64, seed=0)
    return model, (scale.transform(X[train]), y[train]), (scale.transform(X[test]), y[test])
