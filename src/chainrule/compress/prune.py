"""Pruning (seed 003 section 3.7.3: sparsify the weights, then fine-tune): magnitude pruning
per layer or over all layers at once, to a target sparsity or below a threshold, in one shot
(``magnitude_prune``) or in rounds with fine-tuning between them (``prune_iteratively``), and
L1-driven sparsification (``l1_sparsify``: train with an L1 penalty, then drop the weights it
has pushed near zero).

Pruned layers become ``nn.SparseLinear`` (only the kept weights are stored, and only they are
parameters), so fine-tuning with ``chainrule.train.fit`` cannot revive a pruned weight. Biases
are never pruned. ``sparsity(model)`` is the fraction of zero weights over the weight matrices.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from chainrule import nn
from chainrule.optim import GradientTransformation, Optimizer
from chainrule.tracer import primal
from chainrule.train import fit
from chainrule.train.evaluation import as_pair

__all__ = ["cubic_schedule", "l1_sparsify", "magnitude_prune", "prune_iteratively", "sparsity"]
_WEIGHTED = (nn.Linear, nn.SparseLinear)


def _chosen(model: Any, layers: Sequence[int] | None, op: str) -> list[int]:
    """Indices of the layers to prune: every Linear/SparseLinear for None, else ``layers``."""
    if not isinstance(model, nn.Sequential):
        raise ValueError(f"{op}: the model must be an nn.Sequential of Linear layers and "
                         f"activations, got a {type(model).__name__}")
    if layers is None:
        found = [i for i, layer in enumerate(model.layers) if isinstance(layer, _WEIGHTED)]
        if not found:
            raise ValueError(f"{op}: the model has no Linear layer to prune: {model!r}")
        return found
    chosen = []
    for i in layers:
        if isinstance(i, bool) or not isinstance(i, int | np.integer) or not (
                -len(model) <= i < len(model)):
            raise ValueError(f"{op}: layers names layer {i!r}, not an index of a network of "
                             f"{len(model)} layers")
        layer = model.layers[i]
        if not isinstance(layer, _WEIGHTED):
            raise ValueError(f"{op}: layer {int(i)} ({layer!r}) is not a Linear layer; only "
                             "Linear (and SparseLinear) weights are pruned")
        chosen.append(int(i) % len(model))
    return sorted(set(chosen))


def _stored(layer: Any, i: int, op: str) -> tuple[np.ndarray, np.ndarray, int]:
    """(values, flat positions, size of the weight matrix) of a layer's stored weights."""
    if isinstance(layer, nn.SparseLinear):
        values, index = np.asarray(primal(layer.values)), np.asarray(layer.index, np.int64)
    else:
        values = np.ravel(np.asarray(primal(layer.W)))
        index = np.arange(values.size)
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{op}: layer {i} ({layer!r}) has non-finite weights; train it again "
                         "before pruning")
    return values, index, layer.in_features * layer.out_features


def _drop_smallest(magnitudes: np.ndarray, count: int) -> np.ndarray:
    """Keep mask dropping the ``count`` smallest magnitudes (ties: the earlier position)."""
    keep = np.ones(magnitudes.size, dtype=bool)
    if count > 0:
        keep[np.argsort(magnitudes, kind="stable")[:count]] = False
    return keep


def _keep_masks(stored: list[tuple[np.ndarray, np.ndarray, int]], target: float | None,
                threshold: float | None, scope: str) -> list[np.ndarray]:
    """Per layer, which stored weights survive."""
    if threshold is not None:
        return [np.abs(v) >= threshold for v, _, _ in stored]
    if scope == "layer":
        return [_drop_smallest(np.abs(v), round(target * n) - (n - v.size))
                for v, _, n in stored]
    total = sum(n for _, _, n in stored)
    pruned = sum(n - v.size for v, _, n in stored)
    keep = _drop_smallest(np.concatenate([np.abs(v) for v, _, _ in stored]),
                          round(target * total) - pruned)
    return np.split(keep, np.cumsum([v.size for v, _, _ in stored])[:-1])


def _check_target(op: str, sparsity: Any, threshold: Any, scope: str) -> None:
    if (sparsity is None) == (threshold is None):
        raise ValueError(f"{op}: give exactly one of sparsity and threshold, got sparsity="
                         f"{sparsity!r} and threshold={threshold!r}")
    if sparsity is not None and not (isinstance(sparsity, float | int | np.number)
                                     and 0.0 <= sparsity < 1.0):
        raise ValueError(f"{op}: sparsity is the fraction of weights set to zero and must be in "
                         f"[0, 1), got {sparsity!r}")
    if threshold is not None and not (isinstance(threshold, float | int | np.number)
                                      and 0.0 <= threshold < np.inf):
        raise ValueError(f"{op}: threshold must be a finite number >= 0, got {threshold!r}")
    if scope not in ("layer", "global"):
        raise ValueError(f"{op}: scope must be 'layer' or 'global', got {scope!r}")


def magnitude_prune(model: nn.Sequential, sparsity: float | None = None,
                    threshold: float | None = None, scope: str = "layer",
                    layers: Sequence[int] | None = None) -> nn.Sequential:
    """A new network with the weights of smallest magnitude of ``model``'s Linear layers set
    to zero and dropped: each pruned layer becomes an ``nn.SparseLinear`` (``model`` is
    unchanged; the other layers are copies).

    Give exactly one of ``sparsity`` (in [0, 1): the fraction of weights to zero, ``round(
    sparsity * n)`` of them) and ``threshold`` (zero every weight with ``|w| < threshold``).
    ``scope="layer"`` gives each layer the target sparsity (its smallest ``|w|`` go);
    ``scope="global"`` ranks the weights of all the chosen layers together, so layers with
    smaller weights lose more of them (the threshold is the same either way). Ties go in
    position order. ``layers`` is a list of layer indices; None prunes every Linear layer,
    the output layer included. Biases are never pruned. A ``SparseLinear`` is pruned further
    among its kept weights (its zeros count towards the target, and never come back).

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> net = nn.Sequential(nn.Linear(4, 8, rng=0), nn.ReLU(), nn.Linear(8, 2, rng=1))
        >>> pruned = magnitude_prune(net, sparsity=0.75)
        >>> [type(m).__name__ for m in pruned], sparsity(pruned)
        (['SparseLinear', 'ReLU', 'SparseLinear'], 0.75)
    """
    op = "magnitude_prune"
    _check_target(op, sparsity, threshold, scope)
    chosen = _chosen(model, layers, op)
    stored = [_stored(model.layers[i], i, op) for i in chosen]
    keeps = _keep_masks(stored, None if sparsity is None else float(sparsity),
                        None if threshold is None else float(threshold), scope)
    new = list(model.clone().layers)
    for i, (values, index, _), keep in zip(chosen, stored, keeps, strict=True):
        layer = new[i]
        new[i] = nn.SparseLinear(layer.in_features, layer.out_features, values[keep],
                                 index[keep], None if layer.b is None else primal(layer.b))
    return nn.Sequential(*new)


def _weight_counts(layers: Sequence[Any]) -> tuple[int, int]:
    """(zero weights, all weights) over the Linear/SparseLinear layers among ``layers``."""
    zeros = total = 0
    for layer in layers:
        if isinstance(layer, nn.SparseLinear):
            size = layer.in_features * layer.out_features
            zeros += size - int(np.count_nonzero(primal(layer.values)))
            total += size
        elif isinstance(layer, nn.Linear):
            zeros += int(np.size(layer.W) - np.count_nonzero(primal(layer.W)))
            total += int(np.size(layer.W))
    return zeros, total


def sparsity(model: nn.Sequential) -> float:
    """The fraction of zero weights over the weight matrices of the Linear and SparseLinear
    layers (biases not counted).

    Example:
        >>> from chainrule import nn
        >>> sparsity(nn.Sequential(nn.SparseLinear(2, 2, [1.0], [3])))
        0.75
    """
    zeros, total = _weight_counts(model.layers if isinstance(model, nn.Sequential) else [model])
    if total == 0:
        raise ValueError(f"sparsity: the model has no Linear layer: {model!r}")
    return zeros / total


def cubic_schedule(target: float, steps: int, start: float = 0.0) -> list[float]:
    """The sparsity after each of ``steps`` rounds, rising from ``start`` to ``target`` as
    ``target + (start - target) * (1 - t / steps) ** 3`` (Zhu and Gupta 2017): large steps
    first, while many redundant weights are left, small ones near the end.

    Example:
        >>> [round(s, 3) for s in cubic_schedule(0.9, 3)]
        [0.633, 0.867, 0.9]
    """
    return [target + (start - target) * (1.0 - t / steps) ** 3 for t in range(1, steps + 1)]


def _transformation(optimizer: Any, op: str) -> GradientTransformation | Optimizer:
    """A fresh optimizer for one round: ``optimizer()`` for a factory, else ``optimizer``."""
    if isinstance(optimizer, GradientTransformation | Optimizer):
        return optimizer
    if callable(optimizer):
        return optimizer()
    raise ValueError(f"{op}: optimizer must be a chainrule.optim GradientTransformation or a "
                     f"function making one, got {type(optimizer).__name__}")


def _positive(op: str, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{op}: {name} must be a positive integer, got {value!r}")
    return int(value)


def prune_iteratively(model: nn.Sequential, loss: Callable[[Any, Any], Any], data: Any,
                      optimizer: GradientTransformation | Callable[[], Any], sparsity: float,
                      *, steps: int, epochs_per_step: int, batch_size: int | None = None,
                      seed: int = 0, validation: Any = None, scope: str = "layer",
                      layers: Sequence[int] | None = None
                      ) -> tuple[nn.Sequential, list[dict[str, Any]]]:
    """Gradual magnitude pruning: ``steps`` rounds, each pruning the network further (to the
    sparsity of ``cubic_schedule(sparsity, steps)``, from 0: the last round reaches
    ``sparsity``) with ``magnitude_prune(scope=, layers=)``, then fine-tuning it with
    ``fit`` for ``epochs_per_step`` epochs (``batch_size``, batch order seeded by ``seed`` and
    the round). ``optimizer`` is a ``GradientTransformation`` (its state restarts each round,
    as the parameters change) or a function making one (e.g. ``lambda: optim.adam(
    optim.cosine_decay(1e-2, steps_per_round))``: a schedule that restarts each round).
    Pruned weights stay zero through the updates (``nn.SparseLinear``). ``model`` is
    unchanged.

    Returns the pruned, fine-tuned network and one record per round: ``step``, ``target``,
    ``sparsity`` (measured), and the last epoch's ``loss``, metrics and, with ``validation``,
    ``val_loss`` and ``val_accuracy``.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn, optim
        >>> X = np.random.default_rng(0).normal(size=(64, 4)); y = (X[:, 0] > 0).astype(int)
        >>> net = nn.Sequential(nn.Linear(4, 16, rng=0), nn.ReLU(), nn.Linear(16, 2, rng=1))
        >>> pruned, rounds = prune_iteratively(net, nn.softmax_cross_entropy, (X, y),
        ...     optim.adam(5e-2), 0.5, steps=2, epochs_per_step=30)
        >>> [r["sparsity"] for r in rounds], rounds[-1]["accuracy"] > 0.9
        ([0.4375, 0.5], True)
    """
    op = "prune_iteratively"
    _check_target(op, sparsity, None, scope)
    _chosen(model, layers, op)
    steps, epochs = _positive(op, "steps", steps), _positive(op, "epochs_per_step",
                                                           epochs_per_step)
    rounds = []
    for t, target in enumerate(cubic_schedule(float(sparsity), steps), start=1):
        model = magnitude_prune(model, sparsity=target, scope=scope, layers=layers)
        history = fit(model, loss, data, _transformation(optimizer, op), epochs=epochs,
                      batch_size=batch_size, seed=seed + t - 1, validation=validation)
        last = {k: v for k, v in history.last.items() if k != "seconds"}
        zeros, total = _weight_counts(model.layers)
        rounds.append({"step": t, "target": target, "sparsity": zeros / total, **last})
    return model, rounds


class _L1:
    """L1 penalty on the weights of the chosen layers (a class: picklable for workers)."""

    def __init__(self, chosen: list[int], lam: float, n: int) -> None:
        self.chosen, self.lam, self.n = chosen, lam, n

    def __call__(self, model: nn.Sequential) -> Any:
        weights = [getattr(model.layers[i], "W", None) for i in self.chosen]
        weights = [w if w is not None else model.layers[i].values
                   for i, w in zip(self.chosen, weights, strict=True)]
        return nn.l1_penalty(weights, self.lam, self.n)


def l1_sparsify(model: nn.Sequential, loss: Callable[[Any, Any], Any], data: Any,
                optimizer: GradientTransformation | Callable[[], Any], l1: float, *,
                epochs: int, batch_size: int | None = None, threshold: float = 1e-3,
                seed: int = 0, layers: Sequence[int] | None = None
                ) -> tuple[nn.Sequential, float]:
    """Train a copy of ``model`` with the penalty ``l1 / n * sum |w|`` on the chosen layers'
    weights (``nn.l1_penalty``; ``n`` training samples) for ``epochs`` epochs, which drives
    many weights towards zero, then prune those with ``|w| < threshold`` (``magnitude_prune``).
    Returns the pruned network (fine-tune it with ``fit``) and the fraction of the chosen
    layers' weights that went to zero.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn, optim
        >>> X = np.random.default_rng(0).normal(size=(64, 4)); y = (X[:, 0] > 0).astype(int)
        >>> net = nn.Sequential(nn.Linear(4, 2, rng=0))
        >>> pruned, zeroed = l1_sparsify(net, nn.softmax_cross_entropy, (X, y),
        ...     optim.adam(1e-2), l1=20.0, epochs=100, threshold=0.05)
        >>> zeroed  # only the weights of feature 0 are left
        0.75
    """
    op = "l1_sparsify"
    chosen = _chosen(model, layers, op)
    if not (isinstance(l1, float | int | np.number) and 0.0 <= l1 < np.inf):
        raise ValueError(f"{op}: l1 must be a finite number >= 0, got {l1!r}")
    _check_target(op, None, threshold, "layer")
    trained = model.clone()
    fit(trained, loss, data, _transformation(optimizer, op), epochs=_positive(op, "epochs", epochs),
        batch_size=batch_size, seed=seed,
        penalty=_L1(chosen, float(l1), len(as_pair(data, op)[0])))
    pruned = magnitude_prune(trained, threshold=threshold, layers=chosen)
    zeros, total = _weight_counts([pruned.layers[i] for i in chosen])
    return pruned, zeros / total
