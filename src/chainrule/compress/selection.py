"""Which layers of a network a compression method replaces, and the new network with them
replaced: the checks every method shares (a ``Sequential`` with ``Linear`` layers, valid layer
indices, finite weights) and the copy that leaves the input model unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from chainrule import nn


def dense_layers(model: nn.Sequential, layers: Sequence[int] | None, op: str) -> list[int]:
    """The indices of the ``Linear`` layers of ``model`` that ``op`` compresses: all of them
    (``layers=None``) or those listed, each checked to be a ``Linear`` with finite weights.

    Example:
        >>> from chainrule import nn
        >>> net = nn.Sequential(nn.Linear(2, 3, rng=0), nn.ReLU(), nn.Linear(3, 1, rng=1))
        >>> dense_layers(net, None, "demo"), dense_layers(net, [2], "demo")
        ([0, 2], [2])
    """
    if not isinstance(model, nn.Sequential):
        raise ValueError(f"{op}: expected an nn.Sequential of Linear and activation layers, "
                         f"got {type(model).__name__}")
    dense = [i for i, layer in enumerate(model.layers) if type(layer) is nn.Linear]
    if layers is None:
        if not dense:
            raise ValueError(f"{op}: the model has no Linear layer to compress")
        chosen = dense
    else:
        chosen = [int(i) for i in layers]
        if len(set(chosen)) != len(chosen):
            raise ValueError(f"{op}: layers {list(layers)} lists a layer twice")
        for i in chosen:
            if i not in dense:
                name = repr(model.layers[i]) if 0 <= i < len(model) else "out of range"
                raise ValueError(f"{op}: layer {i} ({name}) is not a Linear layer of the model; "
                                 f"its Linear layers are {dense}")
    for i in chosen:
        if not np.all(np.isfinite(model.layers[i].W)):
            raise ValueError(f"{op}: layer {i} ({model.layers[i]!r}) has non-finite weights")
    return chosen


def replaced(model: nn.Sequential, new: Mapping[int, nn.Module]) -> nn.Sequential:
    """A copy of ``model`` (its own arrays: training it leaves ``model`` unchanged) with layer
    ``i`` replaced by ``new[i]``.

    Example:
        >>> from chainrule import nn
        >>> net = nn.Sequential(nn.Linear(2, 3, rng=0), nn.ReLU())
        >>> [type(m).__name__ for m in replaced(net, {1: nn.Tanh()})]
        ['Linear', 'Tanh']
    """
    copy = model.clone()
    return nn.Sequential(*(new.get(i, layer) for i, layer in enumerate(copy.layers)))


def stored(layer: nn.Module) -> tuple[int, int]:
    """(numbers, bytes) a layer stores: ``W`` and ``b`` of a ``Linear``, else the layer's
    ``num_stored()`` and ``nbytes()``; (0, 0) for a layer without arrays (an activation).

    Example:
        >>> from chainrule import nn
        >>> stored(nn.Linear(2, 3, rng=0)), stored(nn.ReLU())
        ((9, 72), (0, 0))
    """
    if hasattr(layer, "num_stored"):
        return layer.num_stored(), layer.nbytes()
    arrays = [v for _, v in layer.named_parameters()] + [v for _, v in layer.named_buffers()]
    return int(sum(np.size(a) for a in arrays)), int(sum(a.nbytes for a in arrays))
