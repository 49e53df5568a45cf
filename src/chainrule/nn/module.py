"""``Module``: a plain class whose floating-point array attributes are its parameters.

A module is a pytree. Flattening it gives, in attribute order, the attributes that hold float
arrays, other modules, or lists/tuples/dicts of those: these are the *parameters* (the leaves).
Every other attribute (sizes, hyperparameters, the ``training`` flag, random generators, the
buffer dict) is static structure, carried by reference into every copy. Hence

    grads = cr.grad(lambda m: loss(m(X), Y))(model)         # same class, gradients inside
    model = cr.tree_map(lambda p, g: p - lr * g, model, grads)

and ``grads.named_parameters()`` names each gradient like the parameter it belongs to.

*Buffers* (non-trainable state, e.g. batch-norm running statistics, seed 003 section 3.6) live
in one dict per module, shared by reference between a module and all copies rebuilt from it.
Assigning ``self.running_mean = value`` in ``forward`` stores ``cr.stop_gradient(value)`` in that
dict, so the update reaches the original model even when ``forward`` runs inside ``cr.grad``;
buffers are never leaves and never receive gradients.

Sharing: the same *array* may be used twice in one forward pass (its gradient is the sum of the
uses, seed 003 section 3.2.9; see ``TiedAutoencoder``). The same *module object* placed twice in
a tree would flatten twice and come back as two independent copies, so do not do that.
"""

from __future__ import annotations

import os
from collections.abc import Container, Iterator
from typing import Any

import numpy as np

from chainrule.backend import dtype_kind, foreign
from chainrule.nn.buffers import Buffers, copy_array
from chainrule.tracer import Tracer
from chainrule.tree import register_pytree_node, tree_map


def is_parameter(value: Any) -> bool:
    """Whether ``value`` is a leaf of a module: a floating-point array, of NumPy or of another
    library (CuPy on a GPU), or a traced value."""
    if isinstance(value, Tracer):
        return True
    if isinstance(value, np.ndarray | np.floating):
        return value.dtype.kind == "f"
    return foreign(value) and dtype_kind(value) == "f"


def _is_tree(value: Any, owner: Module, name: str) -> bool:
    """Whether an attribute value is part of the module's pytree (parameters, submodules)."""
    if isinstance(value, Module) or is_parameter(value):
        return True
    t = type(value)
    if t is list or t is tuple or t is dict:
        items = list(value.values()) if t is dict else list(value)
        kinds = [None if v is None else _is_tree(v, owner, name) for v in items]
        if not any(kinds):
            return False
        if not all(k is not False for k in kinds):
            raise TypeError(
                f"{type(owner).__name__}.{name} mixes parameters or modules with other values "
                f"in one {t.__name__}; keep them in separate attributes (wrap plain functions "
                "with nn.Lambda)."
            )
        return True
    return False


class _Aux:
    """Static part of a flattened module: class, mode, attribute order and static values."""

    __slots__ = ("cls", "training", "order", "names", "static")

    def __init__(self, cls: type, training: bool, order: tuple, names: tuple,
                 static: dict) -> None:
        self.cls, self.training, self.order = cls, training, order
        self.names, self.static = names, static

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _Aux):
            return False
        mine = (self.cls, self.training, self.order, self.names)
        if mine != (other.cls, other.training, other.order, other.names):
            return False
        return all(_same(v, other.static[k]) for k, v in self.static.items())

    def __hash__(self) -> int:
        return hash((self.cls, self.order))


_SIMPLE = (bool, int, float, str, tuple, frozenset, type(None))


def _same(a: Any, b: Any) -> bool:
    """Static values match when equal (sizes, flags, hyperparameters) or, for other objects
    (generators, functions, buffer dicts), when of the same type: two models built alike, or a
    model and its clone, have the same structure and can be combined by ``cr.tree_map``."""
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, _SIMPLE):
        try:
            return bool(a == b)
        except (TypeError, ValueError):
            return False
    return True


def _flatten(module: Module) -> tuple[list, _Aux]:
    names, children, order, static = [], [], [], {}
    for k, v in module.__dict__.items():
        if k == "training":  # kept apart: the class default and an explicit True are the same
            continue
        order.append(k)
        if _is_tree(v, module, k):
            names.append(k)
            children.append(v)
        else:
            static[k] = v
    aux = _Aux(type(module), bool(module.training), tuple(order), tuple(names), static)
    return children, aux


def _unflatten(aux: _Aux, children: list) -> Module:
    obj = object.__new__(aux.cls)
    values = dict(zip(aux.names, children, strict=True))
    d = obj.__dict__
    d["training"] = aux.training
    for k in aux.order:
        d[k] = values[k] if k in values else aux.static[k]
    return obj


def _walk(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """(dotted path, value) of every parameter and module under ``value``, in leaf order."""
    if isinstance(value, Module):
        yield path, value
        for k, v in value.__dict__.items():
            if _is_tree(v, value, k):
                yield from _walk(v, f"{path}.{k}" if path else k)
    elif type(value) is list or type(value) is tuple:
        for i, v in enumerate(value):
            yield from _walk(v, f"{path}.{i}" if path else str(i))
    elif type(value) is dict:
        for k, v in value.items():
            yield from _walk(v, f"{path}.{k}" if path else str(k))
    elif value is not None:
        yield path, value


class Module:
    """Base class of layers and models; subclasses define ``forward`` and set attributes.

    Every subclass is registered as a pytree node when it is defined. Float array attributes
    are parameters; use ``register_buffer`` for non-trainable state.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule import nn
        >>> class Scale(nn.Module):
        ...     def __init__(self):
        ...         self.w = np.array([2.0, 3.0])
        ...     def forward(self, x):
        ...         return x * self.w
        >>> m = Scale()
        >>> g = cr.grad(lambda m: np.sum(m(np.array([1.0, 10.0]))))(m)
        >>> type(g).__name__, g.named_parameters()[0][0], g.w.tolist()
        ('Scale', 'w', [1.0, 10.0])
    """

    training: bool = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        register_pytree_node(cls, _flatten, _unflatten)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        forward = getattr(type(self), "forward", None)
        if forward is None:
            raise TypeError(f"{type(self).__name__} defines no forward(...) method; a Module "
                            "subclass computes its output in forward")
        return forward(self, *args, **kwargs)

    # --- buffers ----------------------------------------------------------------------------
    def register_buffer(self, name: str, value: Any) -> None:
        """Add non-trainable state ``name`` (e.g. a running mean): readable as ``self.name``,
        assignable in ``forward`` (stored without gradient, shared with every copy).

        Example:
            >>> import numpy as np
            >>> from chainrule import nn
            >>> m = nn.Module(); m.register_buffer("count", np.zeros(1))
            >>> m.count = m.count + 1; m.named_buffers()
            [('count', array([1.]))]
        """
        if name in self.__dict__ or name in self.__dict__.get("_buffers", ()):
            raise ValueError(f"register_buffer: {type(self).__name__} already has an attribute "
                             f"or buffer {name!r}; choose another buffer name")
        if "_buffers" not in self.__dict__:
            self.__dict__["_buffers"] = Buffers()
        self._buffers[name] = copy_array(value)

    def __setattr__(self, name: str, value: Any) -> None:
        buffers = self.__dict__.get("_buffers")
        if buffers is not None and name in buffers:
            buffers.assign(type(self).__name__, name, value)
            return
        object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        buffers = self.__dict__.get("_buffers")
        if buffers is not None and name in buffers:
            return buffers[name]
        raise AttributeError(f"{type(self).__name__!s} object has no attribute {name!r}")

    # --- traversal --------------------------------------------------------------------------
    def named_parameters(self) -> list[tuple[str, Any]]:
        """(dotted name, array) of every parameter, in ``cr.tree_leaves`` order.

        Example:
            >>> from chainrule import nn
            >>> [n for n, _ in nn.Sequential(nn.Linear(2, 3, rng=0), nn.ReLU()).named_parameters()]
            ['layers.0.W', 'layers.0.b']
        """
        return [(p, v) for p, v in _walk(self, "") if not isinstance(v, Module)]

    def parameters(self) -> list[Any]:
        """The parameter arrays, in ``cr.tree_leaves`` order.

        Example:
            >>> from chainrule import nn
            >>> [p.shape for p in nn.Linear(2, 3, rng=0).parameters()]
            [(2, 3), (3,)]
        """
        return [v for _, v in self.named_parameters()]

    def num_parameters(self) -> int:
        """Total number of scalar parameters.

        Example:
            >>> from chainrule import nn
            >>> nn.Linear(2, 3, rng=0).num_parameters()
            9
        """
        return int(sum(np.size(v) for v in self.parameters()))

    def named_modules(self) -> list[tuple[str, Module]]:
        """(dotted name, module) of this module ('') and every submodule.

        Example:
            >>> from chainrule import nn
            >>> [n for n, _ in nn.Sequential(nn.Linear(2, 3, rng=0), nn.ReLU()).named_modules()]
            ['', 'layers.0', 'layers.1']
        """
        return [(p, v) for p, v in _walk(self, "") if isinstance(v, Module)]

    def modules(self) -> list[Module]:
        """This module and every submodule."""
        return [m for _, m in self.named_modules()]

    def named_buffers(self) -> list[tuple[str, np.ndarray]]:
        """(dotted name, array) of every buffer of this module and its submodules.

        Example:
            >>> from chainrule import nn
            >>> [n for n, _ in nn.BatchNorm(3).named_buffers()]
            ['running_mean', 'running_var']
        """
        out = []
        for path, m in self.named_modules():
            for k, v in m.__dict__.get("_buffers", {}).items():
                out.append((f"{path}.{k}" if path else k, v))
        return out

    # --- modes ------------------------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Set training mode (``mode=True``) or inference mode on this module and every
        submodule, in place; returns ``self``. The flag is static structure, not a leaf.

        Example:
            >>> from chainrule import nn
            >>> m = nn.Sequential(nn.Dropout(0.5)).eval()
            >>> m.training, m.layers[0].training
            (False, False)
        """
        for m in self.modules():
            object.__setattr__(m, "training", bool(mode))
        return self

    def eval(self) -> Module:
        """Inference mode (``train(False)``); returns ``self``."""
        return self.train(False)

    # --- copies and state -------------------------------------------------------------------
    def clone(self) -> Module:
        """A deep copy with its own parameter arrays and its own buffers (copies made by
        ``cr.tree_map`` share buffers with the original; a clone does not).

        Example:
            >>> from chainrule import nn
            >>> bn = nn.BatchNorm(2); c = bn.clone()
            >>> c.running_mean is bn.running_mean
            False
        """
        new = tree_map(copy_array, self)
        for m in new.modules():
            if "_buffers" in m.__dict__:
                m.__dict__["_buffers"] = Buffers({k: copy_array(v) for k, v in m._buffers.items()})
        return new

    def to(self, device: Any) -> Module:
        """Move every parameter and buffer to ``device``, in place; returns ``self``.

        ``device`` is ``"cpu"`` (NumPy), ``"gpu"``/``"cuda:N"`` (CuPy) or another form that
        ``chainrule.devices.device`` accepts. Dtypes are kept; arrays already there are not
        copied. Raises ``chainrule.devices.DeviceError`` when the device is not available.

        Example:
            >>> import numpy as np
            >>> from chainrule import nn
            >>> type(nn.Linear(2, 1, rng=0).to("cpu").W) is np.ndarray
            True
        """
        from chainrule.nn.state import to_device

        return to_device(self, device)

    def _put_arrays(self, new: dict[str, Any], params: Container[str]) -> None:
        """Write ``new[name]`` into the parameters (names in ``params``) and buffers, in place
        (``nn.state.load_state_dict`` has checked every key and shape first)."""
        _assign(self, "", new, params)

    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of all parameters and buffers, keyed by dotted name (see ``nn.state``)."""
        from chainrule.nn.state import state_dict

        return state_dict(self)

    def load_state_dict(self, state: dict[str, Any], strict: bool = True) -> Module:
        """Load parameters and buffers in place from ``state``; returns ``self``."""
        from chainrule.nn.state import load_state_dict

        return load_state_dict(self, state, strict=strict)

    def save(self, path: str | os.PathLike) -> None:
        """Write ``state_dict()`` to an ``.npz`` file atomically (no pickle)."""
        from chainrule.nn.state import save

        save(self, path)

    def load(self, path: str | os.PathLike, strict: bool = True) -> Module:
        """Load a file written by ``save`` into this module, in place; returns ``self``."""
        from chainrule.nn.state import load

        return load(self, path, strict=strict)

    def __repr__(self) -> str:
        subs = [(k, v) for k, v in self.__dict__.items() if isinstance(v, Module)]
        if not subs:
            return f"{type(self).__name__}()"
        inner = ",\n".join(f"  {k}={v!r}".replace("\n", "\n  ") for k, v in subs)
        return f"{type(self).__name__}(\n{inner}\n)"


register_pytree_node(Module, _flatten, _unflatten)


def _assign(value: Any, path: str, new: dict[str, Any], params: Container[str]) -> Any:
    """``value`` (a module, or a list, tuple or dict inside one) with the arrays of ``new``
    written in place at their dotted names: parameters (names in ``params``) and buffers."""
    if isinstance(value, Module):
        for k, v in list(value.__dict__.items()):
            if _is_tree(v, value, k):
                nv = _assign(v, f"{path}.{k}" if path else k, new, params)
                if nv is not v:
                    object.__setattr__(value, k, nv)
        for k in value.__dict__.get("_buffers", {}):
            key = f"{path}.{k}" if path else k
            if key in new:
                value._buffers[k] = new[key]
        return value
    if type(value) is list:
        value[:] = [_assign(v, f"{path}.{i}", new, params) for i, v in enumerate(value)]
        return value
    if type(value) is tuple:
        return tuple(_assign(v, f"{path}.{i}", new, params) for i, v in enumerate(value))
    if type(value) is dict:
        for k in list(value):
            value[k] = _assign(value[k], f"{path}.{k}", new, params)
        return value
    return new.get(path, value) if path in params else value
