"""Multilayer perceptrons and losses described by plain JSON-ready settings, so that the
command line can store them in a checkpoint and rebuild the same network later."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from chainrule import nn
from chainrule.nn.specs import with_layers

ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    "sigmoid": nn.Sigmoid, "logistic": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU,
    "leaky_relu": nn.LeakyReLU, "softplus": nn.Softplus, "hard_tanh": nn.HardTanh,
    "identity": nn.Identity,
}
LOSSES = ("cross_entropy", "hinge", "mse", "squared_error")


def build_mlp(inputs: int, hidden: Sequence[int], outputs: int, activation: str = "relu",
              init: str | None = None, batchnorm: bool = False, dropout: float = 0.0,
              seed: int = 0) -> nn.Sequential:
    """``Linear -> [BatchNorm] -> activation -> [Dropout]`` for each hidden size, then a
    ``Linear`` output layer (scores/logits: the softmax lives in the loss). Weights are drawn
    from one generator seeded by ``seed``; each dropout layer gets its own seeded generator.
    ``init`` names an ``nn.init`` initializer (default: ``Linear``'s fan-in uniform).

    Example:
        >>> from chainrule.train.mlp import build_mlp
        >>> net = build_mlp(2, [16], 3, activation="sigmoid")
        >>> [type(m).__name__ for m in net], net.num_parameters()
        (['Linear', 'Sigmoid', 'Linear'], 99)
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; choose one of {sorted(ACTIVATIONS)}")
    if not 0.0 <= float(dropout) < 1.0:
        raise ValueError(f"dropout must be a probability in [0, 1), got {dropout!r}")
    sizes = [int(inputs), *(int(h) for h in hidden), int(outputs)]
    if any(s < 1 for s in sizes):
        raise ValueError(f"layer sizes must be positive integers, got {sizes}")
    rng = np.random.default_rng(seed)
    options = {} if init is None else {"init": init}
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-2], sizes[1:-1], strict=True)):
        layers.append(nn.Linear(a, b, rng=rng, **options))
        if batchnorm:
            layers.append(nn.BatchNorm(b))
        layers.append(ACTIVATIONS[activation]())
        if dropout > 0:
            layers.append(nn.Dropout(dropout, rng=np.random.default_rng([seed, i])))
    layers.append(nn.Linear(sizes[-2], sizes[-1], rng=rng, **options))
    return nn.Sequential(*layers)


def mlp_from_config(config: dict[str, Any]) -> nn.Sequential:
    """``build_mlp`` from a dict with the keys of its arguments (as stored in a checkpoint),
    with the compressed layers its ``compressed`` specs name in place of their ``Linear``
    layers (``chainrule.nn.specs``; a checkpoint written by ``chainrule compress``).

    Example:
        >>> from chainrule.train.mlp import mlp_from_config
        >>> len(mlp_from_config({"inputs": 4, "hidden": [8, 8], "outputs": 3}))
        5
    """
    keys = ("inputs", "hidden", "outputs", "activation", "init", "batchnorm", "dropout", "seed")
    return with_layers(build_mlp(**{k: config[k] for k in keys if k in config}),
                       config.get("compressed", ()))


def make_loss(name: str, n_classes: int | None) -> Callable[[Any, Any], Any]:
    """The loss ``f(output, y)`` called ``name``: ``cross_entropy`` (softmax cross-entropy),
    ``hinge`` (multiclass hinge), ``mse`` (mean squared error) or ``squared_error`` (the seeds'
    1/2 ||y - yhat||^2). For classification (``n_classes`` given) the squared losses compare the
    outputs with one-hot rows of the labels.

    Example:
        >>> import numpy as np
        >>> from chainrule.train.mlp import make_loss
        >>> f = make_loss("mse", n_classes=2)
        >>> float(f(np.array([[1.0, 0.0], [0.0, 0.0]]), np.array([0, 1])))
        0.25
    """
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; choose one of {list(LOSSES)}")
    if name in ("cross_entropy", "hinge"):
        if n_classes is None:
            raise ValueError(f"the {name} loss needs class labels; use mse for a regression "
                             "target")
        return nn.softmax_cross_entropy if name == "cross_entropy" else nn.multiclass_hinge
    base = nn.mean_squared_error if name == "mse" else nn.squared_error
    return base if n_classes is None else OneHotSquared(base, n_classes)


class OneHotSquared:
    """A squared loss of the outputs against one-hot rows of class labels; a class (not a
    closure) so that data-parallel workers can be sent it."""

    def __init__(self, base: Callable[[Any, Any], Any], n_classes: int) -> None:
        self.base, self.eye = base, np.eye(n_classes)
        self.__name__ = f"{base.__name__}_one_hot"

    def __call__(self, output: Any, y: Any) -> Any:
        return self.base(output, self.eye[np.asarray(y)])


def l2_term(l2: float, n: int) -> Callable[[Any], Any] | None:
    """The ``penalty`` for ``fit`` of an L2 weight penalty ``l2`` over ``n`` training samples:
    ``l2 / n`` times the sum of the squared weights (biases left out), or None for 0. A
    ``functools.partial``, so it can be sent to worker processes.

    Example:
        >>> import numpy as np
        >>> term = l2_term(0.5, 5)
        >>> float(term({"w": np.array([1.0, 2.0])})), l2_term(0.0, 5) is None
        (0.5, True)
    """
    return None if l2 == 0 else functools.partial(nn.l2_penalty, lam=l2, n=n)
