"""What a data-parallel worker computes: the loss of a shard of rows and its gradient.

A worker (a local process or a Ray actor) holds a copy of the model's structure, the loss, the
penalty and the training data, all sent once. Asked for rows of the data and given the current
parameters, it returns the mean loss of those rows plus the penalty, its gradient with respect
to every parameter, and the model's outputs (for the training metrics). Averaging the shards'
values and gradients weighted by their row counts gives the loss and gradient of the whole
batch, since the losses of ``chainrule.nn`` are means over the batch's samples.

Models whose step changes state outside the parameters are refused (``check_model``): dropout
draws from a random generator and batch normalization updates running statistics, and copies
of them in several workers would not give the run a single process gives.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

import chainrule as cr
from chainrule.jit import JitError, jit
from chainrule.nn import Module
from chainrule.nn.objective import parameter_objective
from chainrule.tracer import primal
from chainrule.tree import tree_flatten


def check_model(model: Module, op: str) -> None:
    """Raise ValueError naming the first layer that holds a random generator (dropout) or a
    buffer (batch normalization): its copies in several workers would drift apart."""
    for path, module in model.named_modules():
        held = [k for k, v in vars(module).items() if isinstance(v, np.random.Generator)]
        what = ("a random generator" if held else
                "buffers (running statistics)" if module.__dict__.get("_buffers") else None)
        if what is not None:
            name = f"{path or 'the model'} ({type(module).__name__})"
            raise ValueError(
                f"{op}: layer {name} holds {what}, which each worker would update on its own "
                "copy, so data-parallel training would not be the run one process gives. "
                "Train this model with workers=1, or build it without dropout and batch "
                "normalization (e.g. layer normalization, or weight decay as the regularizer)")


class GradientJob:
    """Loss, gradient and outputs of ``model`` on rows of ``(X, y)`` at given parameters.

    ``gradient(params, rows)`` returns ``(value, grads, out, seconds)``: the mean loss of the
    rows plus ``penalty(model)`` (a float), the gradients (arrays in ``params`` order), the
    model outputs of the rows (None unless ``want_output``) and the seconds it took. With
    ``compile`` the loss and gradient run as one ``cr.jit`` program per shard size (eagerly
    when the model cannot be compiled: the same numbers, slower).

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> from chainrule.distributed.job import GradientJob
        >>> from chainrule.tree import tree_leaves
        >>> net = nn.Linear(1, 1, rng=0)
        >>> X, y = np.array([[1.0], [2.0]]), np.array([[0.0], [0.0]])
        >>> job = GradientJob(net, nn.mean_squared_error, None, X, y)
        >>> value, grads, out, seconds = job.gradient(tree_leaves(net), np.array([0, 1]))
        >>> bool(np.isclose(value, nn.mean_squared_error(net(X), y)))
        True
    """

    def __init__(self, model: Module, loss: Callable, penalty: Callable | None, X: np.ndarray,
                 y: np.ndarray, want_output: bool = True, compile: bool = True) -> None:
        _, treedef = tree_flatten(model)
        self.X, self.y, self.want_output = X, y, want_output

        objective = parameter_objective(treedef, loss, penalty)

        self.eager = cr.value_and_grad(objective, has_aux=True)
        self.program = jit(self.eager) if compile else None

    def gradient(self, params: list, rows: np.ndarray) -> tuple[float, list, Any, float]:
        """See the class docstring."""
        start = time.perf_counter()
        xb, yb = self.X[rows], self.y[rows]
        if self.program is not None:
            try:
                (value, out), grads = self.program(params, xb, yb)
            except JitError:
                self.program = None
        if self.program is None:
            (value, out), grads = self.eager(params, xb, yb)
        out = np.asarray(primal(out)) if self.want_output else None
        grads = [np.asarray(g) for g in grads]
        return float(value), grads, out, time.perf_counter() - start
