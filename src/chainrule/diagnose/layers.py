"""Finding the layers of a model: which module owns which parameters, readable layer names, and
the hidden outputs of a ``Sequential`` obtained by running its layers one by one.

Names are short dotted paths with the ``layers`` attribute of a ``Sequential`` left out, then
the layer's text: ``"0 Linear(4 -> 16)"``, ``"2.1 ReLU()"`` (layer 1 of a Sequential nested as
layer 2), ``"3.block.0 Linear(8 -> 8)"`` (inside the block of a ``Residual``).

Diagnostics look at the model in inference mode (``eval()`` on a copy): dropout is off and batch
normalization uses its running statistics, so a diagnosis never draws from the model's random
generators nor moves its running statistics, and a training run with diagnostics follows the
same path as one without.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from chainrule.nn import Module, Residual, Sequential
from chainrule.tree import tree_map


@dataclass
class ParameterGroup:
    """The parameters owned directly by one module: its dotted ``path`` in the model (as in
    ``named_modules``), its readable ``name`` and the dotted names of its ``parameters``."""

    path: str
    name: str
    parameters: list[str]


def inference_copy(model: Module) -> Module:
    """A copy of ``model`` sharing its arrays, in inference mode (the original keeps its mode).

    Example:
        >>> from chainrule import nn
        >>> from chainrule.diagnose.layers import inference_copy
        >>> net = nn.Sequential(nn.Linear(2, 2, rng=0), nn.Dropout(0.5))
        >>> inference_copy(net).training, net.training
        (False, True)
    """
    if not isinstance(model, Module):
        raise TypeError(f"diagnose: the model must be a chainrule.nn.Module, got "
                        f"{type(model).__name__}")
    return tree_map(lambda p: p, model).eval()


def _child(value: Any, segment: str) -> Any:
    if isinstance(value, Module):
        return value.__dict__[segment]
    if isinstance(value, list | tuple):
        return value[int(segment)]
    return value[segment]


def short_path(model: Module, path: str) -> str:
    """``path`` (as in ``named_modules``) without the ``layers`` attribute of Sequentials.

    Example:
        >>> from chainrule import nn
        >>> from chainrule.diagnose.layers import short_path
        >>> net = nn.Sequential(nn.Linear(2, 2, rng=0), nn.Sequential(nn.ReLU()))
        >>> short_path(net, "layers.1.layers.0")
        '1.0'
    """
    if not path:
        return ""
    out, current = [], model
    for segment in path.split("."):
        if not (isinstance(current, Sequential) and segment == "layers"):
            out.append(segment)
        current = _child(current, segment)
    return ".".join(out)


def describe(module: Module) -> str:
    """A module's text on one line (its class name when that text is long).

    Example:
        >>> from chainrule import nn
        >>> from chainrule.diagnose.layers import describe
        >>> describe(nn.Linear(4, 16, rng=0))
        'Linear(4 -> 16)'
    """
    text = " ".join(repr(module).split())
    return text if len(text) <= 32 else type(module).__name__


def layer_name(model: Module, path: str, module: Module) -> str:
    """The readable name of the module at ``path``: short path, a space, its text."""
    short = short_path(model, path)
    return f"{short} {describe(module)}" if short else describe(module)


def parameter_groups(model: Module) -> list[ParameterGroup]:
    """One group per module that owns parameters directly, in parameter (leaf) order, which
    for a ``Sequential`` is the order of depth, input side first.

    Example:
        >>> from chainrule import nn
        >>> from chainrule.diagnose.layers import parameter_groups
        >>> net = nn.Sequential(nn.Linear(4, 16, rng=0), nn.ReLU(), nn.Linear(16, 1, rng=1))
        >>> groups = parameter_groups(net)
        >>> [g.name for g in groups], groups[0].parameters
        (['0 Linear(4 -> 16)', '2 Linear(16 -> 1)'], ['layers.0.W', 'layers.0.b'])
    """
    modules = dict(model.named_modules())
    groups: dict[str, ParameterGroup] = {}
    for name, _ in model.named_parameters():
        owner = max((p for p in modules if p == "" or name.startswith(p + ".")), key=len)
        if owner not in groups:
            groups[owner] = ParameterGroup(owner, layer_name(model, owner, modules[owner]), [])
        groups[owner].parameters.append(name)
    return list(groups.values())


@dataclass
class LayerOutput:
    """One layer run on a batch: ``path``, readable ``name``, the ``module``, its ``inputs``
    (for an activation layer: the pre-activation values) and its ``outputs``."""

    path: str
    name: str
    module: Module
    inputs: np.ndarray
    outputs: np.ndarray


def layer_outputs(model: Module, X: Any) -> list[LayerOutput]:
    """Run a ``Sequential`` on the batch ``X`` one layer at a time, in inference mode, and
    return every layer's input and output in order of depth.

    Nested ``Sequential`` models are opened up, and so is the block of a ``Residual`` (its
    layers are listed, then the residual sum ``x + block(x)`` as the Residual's own output);
    any other module counts as one layer. A model that is not a ``Sequential`` is rejected:
    its hidden values cannot be reached from outside its ``forward``.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> from chainrule.diagnose.layers import layer_outputs
        >>> net = nn.Sequential(nn.Linear(3, 4, rng=0), nn.ReLU(), nn.Linear(4, 1, rng=1))
        >>> [(o.name, o.outputs.shape) for o in layer_outputs(net, np.ones((5, 3)))]
        [('0 Linear(3 -> 4)', (5, 4)), ('1 ReLU()', (5, 4)), ('2 Linear(4 -> 1)', (5, 1))]
    """
    if not isinstance(model, Sequential):
        raise TypeError(
            f"diagnose: hidden activations are read by running the layers of an nn.Sequential "
            f"one by one, but the model is a {type(model).__name__}; build it as an "
            "nn.Sequential (nested Sequential and Residual layers are fine), or diagnose only "
            "its gradients with gradient_norms"
        )
    X = np.asarray(X)
    if X.ndim < 2 or X.shape[0] == 0:
        raise ValueError(f"diagnose: X must be a batch of samples, shape (n, features) with "
                         f"n >= 1, got shape {X.shape}")
    outputs: list[LayerOutput] = []
    _run(inference_copy(model), X, "", "", outputs)
    return outputs


def _join(a: str, b: object) -> str:
    return f"{a}.{b}" if a else str(b)


def _run(module: Module, x: np.ndarray, path: str, short: str,
         outputs: list[LayerOutput]) -> np.ndarray:
    if isinstance(module, Sequential):
        for i, layer in enumerate(module.layers):
            x = _run(layer, x, _join(path, f"layers.{i}"), _join(short, i), outputs)
        return x
    if isinstance(module, Residual):
        y = _run(module.block, x, _join(path, "block"), _join(short, "block"), outputs)
        if np.shape(y) != np.shape(x):
            raise ValueError(f"diagnose: the block of the Residual at {short or 'the top'} maps "
                             f"shape {np.shape(x)} to {np.shape(y)}; x + block(x) needs equal "
                             "shapes")
        out = np.asarray(x + y)
        outputs.append(LayerOutput(path, f"{short} Residual" if short else "Residual", module,
                                   x, out))
        return out
    out = np.asarray(module(x))
    name = f"{short} {describe(module)}" if short else describe(module)
    outputs.append(LayerOutput(path, name, module, x, out))
    return out
