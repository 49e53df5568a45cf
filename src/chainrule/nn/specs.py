"""Layers that replace a ``Linear`` after compression (sparse, quantized, low-rank, hashed:
``chainrule.compress``) describe themselves by a JSON-ready *spec*, so a checkpoint can name
them and ``chainrule.train.mlp.mlp_from_config`` can rebuild the compressed network before its
weights are loaded.

A layer class registers under its ``kind`` with ``@register_layer``, and implements
``spec() -> dict`` (its kind, shapes and settings: what it needs besides its arrays) and
``from_spec(spec) -> layer`` (a layer of those shapes, its arrays to be loaded).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from chainrule.nn.layers import Sequential
from chainrule.nn.module import Module

LAYER_KINDS: dict[str, type] = {}


def register_layer(kind: str) -> Callable[[type], type]:
    """Class decorator: the layer class rebuilt from specs whose ``kind`` is ``kind``."""

    def register(cls: type) -> type:
        if kind in LAYER_KINDS and LAYER_KINDS[kind] is not cls:
            raise ValueError(f"register_layer: the kind {kind!r} is already "
                             f"{LAYER_KINDS[kind].__name__}'s")
        cls.kind = kind
        LAYER_KINDS[kind] = cls
        return cls

    return register


def layer_from_spec(spec: dict[str, Any]) -> Module:
    """The layer ``spec`` describes (its arrays not yet loaded)."""
    kind = spec.get("kind")
    if kind not in LAYER_KINDS:
        raise ValueError(f"unknown compressed layer kind {kind!r} (known: "
                         f"{', '.join(sorted(LAYER_KINDS)) or 'none'}); the checkpoint was "
                         "written by a newer chainrule, or is damaged")
    return LAYER_KINDS[kind].from_spec(spec)


def layer_specs(model: Sequential) -> list[dict[str, Any]]:
    """``[{"index": i, **spec}]`` for every registered (compressed) layer of ``model``."""
    return [{"index": i, **layer.spec()} for i, layer in enumerate(model.layers)
            if type(layer) in LAYER_KINDS.values()]


def with_layers(model: Sequential, specs: Sequence[dict[str, Any]]) -> Sequential:
    """``model`` with layer ``spec["index"]`` replaced by ``layer_from_spec(spec)`` for each
    spec (the inverse of ``layer_specs`` on the network the specs were taken from).

    Example:
        >>> from chainrule import nn
        >>> net = nn.Sequential(nn.Linear(2, 3, rng=0), nn.ReLU())
        >>> with_layers(net, []) is net
        True
    """
    if not specs:
        return model
    layers = list(model.layers)
    for spec in specs:
        index = spec.get("index")
        if not isinstance(index, int) or not 0 <= index < len(layers):
            raise ValueError(f"a compressed layer spec names layer {index!r} of a network of "
                             f"{len(layers)} layers; the checkpoint is damaged")
        layers[index] = layer_from_spec({k: v for k, v in spec.items() if k != "index"})
    return Sequential(*layers)
