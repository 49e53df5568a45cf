"""chainrule: automatic differentiation of ordinary NumPy code, and the tools to see it work.

Example:
    >>> import numpy as np
    >>> import chainrule as cr
    >>> def f(x):
    ...     return np.sum(np.tanh(x) ** 2)
    >>> np.round(cr.grad(f)(np.array([0.0, 1.0])), 6).tolist()
    [0.0, 0.6397]
"""

import importlib
from typing import Any

from chainrule import array_api, numpy  # the two faces, installed on traced values as they load
from chainrule.anomaly import AnomalyError, detect_anomaly
from chainrule.backend import BackendError
from chainrule.check import CheckReport, GradientCheckError, check_grad, numerical_grad
from chainrule.devices import Device, DeviceError, device, device_of
from chainrule.holomorphic import holomorphic_grad
from chainrule.jacobians import hessian, hvp, jacobian
from chainrule.jit import JitError, jit  # the function jit shadows the subpackage's name
from chainrule.jvp import jvp
from chainrule.primitive import NoDerivativeError, Primitive, primitive
from chainrule.transforms import (
    elementwise_grad,
    grad,
    stop_gradient,
    value_and_grad,
    vjp,
)
from chainrule.tree import register_pytree_node, tree_flatten, tree_leaves, tree_map, tree_unflatten

__version__ = "0.1.0"

# The packages above the core load on first use (PEP 562), so ``import chainrule`` costs the
# engine and the NumPy face only, not training, figures or plotting.
_SUBPACKAGES = ("data", "diagnose", "explain", "figures", "nn", "optim", "train")
_FROM_EXPLAIN = ("graph", "trace")


def __getattr__(name: str) -> Any:
    if name in _SUBPACKAGES:
        return importlib.import_module(f"chainrule.{name}")
    if name in _FROM_EXPLAIN:
        return getattr(importlib.import_module("chainrule.explain"), name)
    raise AttributeError(f"module 'chainrule' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

__all__ = [
    "numpy",
    "array_api",
    "data",
    "diagnose",
    "explain",
    "figures",
    "graph",
    "trace",
    "nn",
    "optim",
    "train",
    "AnomalyError",
    "BackendError",
    "CheckReport",
    "Device",
    "DeviceError",
    "GradientCheckError",
    "JitError",
    "NoDerivativeError",
    "Primitive",
    "check_grad",
    "detect_anomaly",
    "device",
    "device_of",
    "hessian",
    "hvp",
    "jacobian",
    "jit",
    "numerical_grad",
    "elementwise_grad",
    "grad",
    "holomorphic_grad",
    "jvp",
    "primitive",
    "register_pytree_node",
    "stop_gradient",
    "tree_flatten",
    "tree_leaves",
    "tree_map",
    "tree_unflatten",
    "value_and_grad",
    "vjp",
]
