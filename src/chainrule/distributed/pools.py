"""Starting the pool of workers a data-parallel run asks for: local processes or Ray actors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.distributed.job import check_model
from chainrule.distributed.local import LocalPool, payload
from chainrule.nn import Module
from chainrule.tracer import primal
from chainrule.tree import tree_leaves

BACKENDS = ("local", "ray")


def check_backend(op: str, backend: Any) -> str:
    """``backend`` if it names a pool, else ValueError listing them."""
    if backend not in BACKENDS:
        raise ValueError(f"{op}: backend={backend!r} is not a data-parallel backend; use "
                         f"{' or '.join(map(repr, BACKENDS))}")
    return backend


def open_pool(op: str, backend: str, workers: int, model: Module, loss: Callable,
              penalty: Callable | None, X: np.ndarray, y: np.ndarray, batch_size: int,
              want_output: bool, compile: bool, address: str | None = None) -> Any:
    """A started pool of ``workers`` workers computing gradients of ``model`` (refused when it
    holds dropout or batch normalization: see ``job.check_model``) on rows of ``(X, y)``;
    close it with ``with`` or ``close()``.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> from chainrule.distributed.pools import open_pool
        >>> from chainrule.tree import tree_leaves
        >>> net, X, y = nn.Linear(2, 1, rng=0), np.ones((4, 2)), np.zeros((4, 1))
        >>> with open_pool("ex", "local", 1, net, nn.mean_squared_error, None, X, y, 4,
        ...                True, True) as pool:
        ...     pool.publish(tree_leaves(net)); pool.submit(0, np.arange(2))
        ...     [(r.worker, r.out.shape) for r in pool.wait()]
        [(0, (2, 1))]
    """
    check_backend(op, backend)
    check_model(model, op)
    if backend == "ray":
        from chainrule.distributed.ray_pool import RayPool

        return RayPool(op, workers, model, loss, penalty, X, y, want_output, compile, address)
    if address is not None:
        raise ValueError(f"{op}: address={address!r} names a Ray cluster, but backend='local' "
                         "runs the workers on this machine; pass backend='ray' to use it")
    out = primal(model(X[:1])) if want_output else None
    out_spec = (tuple(np.shape(out))[1:], np.asarray(out).dtype.str) if want_output else None
    setup = payload(op, model, loss, penalty, X, y, want_output, compile)
    return LocalPool(workers, setup, tree_leaves(model), batch_size, out_spec)
