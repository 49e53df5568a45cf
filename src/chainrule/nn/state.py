"""Saving and loading a module's parameters and buffers: flat dicts and ``.npz`` files.

A state dict maps dotted names (``"layers.0.W"``, ``"layers.1.running_mean"``) to arrays:
parameters first, in ``cr.tree_leaves`` order, then buffers. Files are ordinary ``.npz``
archives of those arrays plus one JSON header entry; they are written to a temporary file in
the same directory and moved into place with ``os.replace`` (never half-written), and read with
``allow_pickle=False``.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any

import numpy as np

from chainrule.arrayfiles import DamagedFileError, read_arrays
from chainrule.backend import to_host, to_library
from chainrule.devices import device
from chainrule.files import write_atomically
from chainrule.tracer import primal

if TYPE_CHECKING:
    from chainrule.nn.module import Module

META_KEY = "__chainrule_meta__"
FORMAT = "chainrule.nn.state"


def state_dict(module: Module) -> dict[str, np.ndarray]:
    """Copies of every parameter and buffer of ``module``, keyed by dotted name: NumPy arrays,
    also when the module's arrays live in another library (CuPy on a GPU; copied explicitly).

    Example:
        >>> from chainrule import nn
        >>> list(nn.Sequential(nn.Linear(2, 2, rng=0), nn.BatchNorm(2)).state_dict())
        ['layers.0.W', 'layers.0.b', 'layers.1.gamma', 'layers.1.beta', \
'layers.1.running_mean', 'layers.1.running_var']
    """
    out = {k: to_host(v) for k, v in module.named_parameters()}
    for k, v in module.named_buffers():
        out[k] = to_host(v)
    return out


def _names(keys: list[str], limit: int = 8) -> str:
    shown = ", ".join(repr(k) for k in keys[:limit])
    return shown + (f" and {len(keys) - limit} more" if len(keys) > limit else "")


def _checked(key: str, value: Any, current: Any) -> np.ndarray:
    arr = np.asarray(value)
    if arr.shape != np.shape(current):
        raise ValueError(
            f"load_state_dict: {key!r} has shape {arr.shape} in the state dict but shape "
            f"{np.shape(current)} in the model; the saved model has a different architecture"
        )
    if arr.dtype.kind not in "fiub":
        raise TypeError(f"load_state_dict: {key!r} is a {arr.dtype} array; expected numbers")
    return to_library(arr, primal(current))  # the model's dtype, in the model's library


def load_state_dict(module: Module, state: dict[str, Any], strict: bool = True) -> Module:
    """Load parameters and buffers into ``module`` in place (dtypes kept); returns it.

    All keys and shapes are checked before anything is written. With ``strict=True`` missing or
    unexpected keys are an error; with ``strict=False`` they are skipped.

    Example:
        >>> from chainrule import nn
        >>> a, b = nn.Linear(2, 2, rng=0), nn.Linear(2, 2, rng=1)
        >>> bool((b.load_state_dict(a.state_dict()).W == a.W).all())
        True
    """
    params = dict(module.named_parameters())
    buffers = dict(module.named_buffers())
    expected = {**params, **buffers}
    if strict:
        missing = [k for k in expected if k not in state]
        unexpected = [k for k in state if k not in expected]
        if missing or unexpected:
            parts = []
            if missing:
                parts.append(f"missing keys {_names(missing)}")
            if unexpected:
                parts.append(f"unexpected keys {_names(unexpected)}")
            raise ValueError(
                f"load_state_dict into {type(module).__name__}: {'; '.join(parts)}. The state "
                "was saved from a different architecture; pass strict=False to load only the "
                "matching keys."
            )
    new = {k: _checked(k, state[k], v) for k, v in expected.items() if k in state}

    module._put_arrays(new, params)
    return module


def to_device(module: Module, spec: Any) -> Module:
    """Move ``module``'s parameters and buffers to the device ``spec`` names, in place (see
    ``Module.to``); returns it."""
    dev = device(spec)
    params = dict(module.named_parameters())
    new = {k: dev.put(primal(v)) for k, v in [*params.items(), *module.named_buffers()]}
    module._put_arrays(new, params)
    return module


def save(module: Module, path: str | os.PathLike) -> None:
    """Write ``module.state_dict()`` to ``path`` as an ``.npz`` archive, atomically.

    The path is used exactly as given (no suffix is added).

    Example:
        >>> import os, tempfile
        >>> from chainrule import nn
        >>> d = tempfile.mkdtemp(); f = os.path.join(d, "m.npz")
        >>> nn.Linear(2, 2, rng=0).save(f); sorted(nn.load_state(f))
        ['W', 'b']
    """
    path = os.fspath(path)
    state = state_dict(module)
    meta = {"format": FORMAT, "version": 1, "module": type(module).__qualname__,
            "keys": list(state)}
    arrays = {**state, META_KEY: np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)}
    write_atomically(path, lambda f: np.savez(f, **arrays), binary=True)


def read_state(path: str | os.PathLike) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The arrays and the JSON header of a file written by ``save``.

    Example:
        >>> import os, tempfile
        >>> from chainrule import nn
        >>> f = os.path.join(tempfile.mkdtemp(), "m.npz"); nn.Linear(2, 2, rng=0).save(f)
        >>> nn.read_state(f)[1]["module"]
        'Linear'
    """
    z = read_arrays(path, where="load: ", advice="save the module again with Module.save")
    if META_KEY not in z:
        raise DamagedFileError(f"load: {os.fspath(path)!r} is not a chainrule module file (it "
                               f"has no {META_KEY!r} entry); use np.load to read arbitrary "
                               ".npz files")
    try:
        meta = json.loads(bytes(z[META_KEY]).decode())
        order = meta.get("keys", [k for k in z if k != META_KEY])
        arrays = {k: z[k] for k in order}
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise DamagedFileError(f"load: {os.fspath(path)!r} has a malformed header "
                               f"({type(error).__name__}: {error})") from None
    return arrays, meta


def load_state(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """The state dict stored in a file written by ``save`` (to inspect or to load elsewhere).

    Example:
        >>> import os, tempfile
        >>> from chainrule import nn
        >>> f = os.path.join(tempfile.mkdtemp(), "m.npz"); nn.Linear(2, 3, rng=0).save(f)
        >>> nn.load_state(f)["W"].shape
        (2, 3)
    """
    return read_state(path)[0]


def load(module: Module, path: str | os.PathLike, strict: bool = True) -> Module:
    """Load a file written by ``save`` into ``module`` in place; returns it. With ``strict``
    the saved module class must match too.

    Example:
        >>> import os, tempfile
        >>> from chainrule import nn
        >>> f = os.path.join(tempfile.mkdtemp(), "m.npz"); a = nn.Linear(2, 2, rng=0); a.save(f)
        >>> bool((nn.Linear(2, 2, rng=5).load(f).W == a.W).all())
        True
    """
    arrays, meta = read_state(path)
    saved = meta.get("module")
    if strict and saved != type(module).__qualname__:
        raise ValueError(f"load: {os.fspath(path)!r} holds a {saved} but it is being loaded into "
                         f"a {type(module).__qualname__}; pass strict=False to load matching keys")
    return load_state_dict(module, arrays, strict=strict)
