"""One stage of a pipelined model: the loop a stage process runs (``serve``).

A stage holds a slice of a ``Sequential``'s layers. For each micro-batch m it takes its input
(the data on stage 0, the previous stage's activation otherwise), runs ``cr.vjp`` of its layers
at that input and its parameters, sends the activation on and keeps the vjp function; the last
stage instead evaluates the weighted loss ``w_m loss(h, y_m)``. Then the backward passes run in
reverse micro-batch order: a stage takes the cotangent of its output (1 for the loss), calls the
kept vjp function, adds the parameters' cotangent to its gradient sum and sends the input's
cotangent back. The sum of the micro-batch gradients is the gradient of the whole batch's loss
(linearity), and each stage sends its sum to the driver once per step.

Messages from the driver: ``("run", inputs, targets, loss, weights)``, ``("load", leaves)``
(new parameters) and ``("stop",)``. Replies: ``("done", grad_leaves, loss, order)`` where
``order`` lists the ("F" | "B", micro-batch) passes as they ran, or ``("error", traceback)``.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from chainrule.transforms import vjp
from chainrule.tree import tree_flatten, tree_map, tree_unflatten


def _apply_inner(x: Any) -> Callable[[Any], Any]:
    return lambda layers: layers(x)


def _apply_last(loss: Callable[[Any, Any], Any], y: Any, w: float) -> Callable[..., Any]:
    return lambda layers, h: w * loss(layers(h), y)


def _step(layers: Any, index: int, num_stages: int, prev: Connection | None,
          nxt: Connection | None, message: tuple) -> tuple:
    """One pipelined forward and backward pass over the micro-batches (see module docstring)."""
    _, inputs, targets, loss, weights = message
    first, last = index == 0, index == num_stages - 1
    backs, order, total, grad = [], [], None, None
    for m in range(len(weights)):
        x = inputs[m] if first else prev.recv()
        if last:
            out, back = vjp(_apply_last(loss, targets[m], weights[m]), layers, x)
            if np.ndim(out) != 0:
                raise ValueError(f"the loss returned an array of shape {np.shape(out)}; it must "
                                 "return a scalar (reduction='mean' or 'sum')")
            total = out if total is None else total + out
        elif first:
            out, back = vjp(_apply_inner(x), layers)
        else:
            out, back = vjp(lambda lay, h: lay(h), layers, x)
        if not last:
            nxt.send(out)
        backs.append((back, out))
        order.append(("F", m))
    for m in reversed(range(len(weights))):
        back, out = backs[m]
        backs[m] = None  # the recorded graph of micro-batch m is freed once it has been used
        cts = back(np.ones_like(out) if last else nxt.recv())
        if not first:
            prev.send(cts[1])
        grad = cts[0] if grad is None else tree_map(np.add, grad, cts[0])
        order.append(("B", m))
    return ("done", tree_flatten(grad)[0], total, order)


def serve(layers: Any, index: int, num_stages: int, driver: Connection,
          prev: Connection | None, nxt: Connection | None) -> None:
    """Run stage ``index`` of ``num_stages`` until the driver says stop or goes away; any
    error is sent to the driver as a traceback and ends the stage."""
    treedef = tree_flatten(layers)[1]
    while True:
        try:
            message = driver.recv()
        except EOFError:  # the driver's end closed: it has exited
            return
        if message[0] == "stop":
            return
        try:
            if message[0] == "load":
                layers = tree_unflatten(treedef, message[1])
                continue
            driver.send(_step(layers, index, num_stages, prev, nxt, message))
        except BaseException:
            driver.send(("error", traceback.format_exc()))
            return
