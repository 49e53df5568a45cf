"""``chainrule.nn``: modules (layers as pytrees), activations, losses, penalties, initializers.

Example (one step of gradient descent on a two-layer network):
    >>> import numpy as np
    >>> import chainrule as cr
    >>> from chainrule import nn
    >>> X, y = np.ones((8, 3)), np.zeros(8, dtype=int)
    >>> model = nn.Sequential(nn.Linear(3, 16, rng=0), nn.ReLU(), nn.Linear(16, 2, rng=1))
    >>> loss = lambda m: nn.softmax_cross_entropy(m(X), y)
    >>> grads = cr.grad(loss)(model)
    >>> new = cr.tree_map(lambda p, g: p - 0.1 * g, model, grads)
    >>> type(new).__name__, bool(loss(new) < loss(model))
    ('Sequential', True)
"""

from chainrule.nn import init, shapes
from chainrule.nn.activations import (
    HardTanh,
    Identity,
    Lambda,
    LeakyReLU,
    LogSoftmax,
    ReLU,
    Sigmoid,
    Softmax,
    Softplus,
    Tanh,
    hard_tanh,
    identity,
    leaky_relu,
    log_softmax,
    relu,
    sigmoid,
    softmax,
    softplus,
    tanh,
)
from chainrule.nn.autoencoder import TiedAutoencoder
from chainrule.nn.hashed import HashedLinear
from chainrule.nn.init import SymmetryWarning
from chainrule.nn.layers import Dropout, Linear, Maxout, Residual, Sequential
from chainrule.nn.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    hinge,
    mean_squared_error,
    multiclass_hinge,
    softmax_cross_entropy,
    squared_error,
)
from chainrule.nn.lowrank import LowRankLinear
from chainrule.nn.module import Buffers, Module, is_parameter
from chainrule.nn.norm import BatchNorm, LayerNorm
from chainrule.nn.penalties import l1_penalty, l2_penalty, penalized
from chainrule.nn.quantized import QATLinear, QuantizedLinear
from chainrule.nn.shapes import ShapeError
from chainrule.nn.sparse import SparseLinear
from chainrule.nn.state import load_state, read_state

__all__ = [
    "BatchNorm", "Buffers", "Dropout", "HardTanh", "HashedLinear", "Identity", "Lambda",
    "LayerNorm", "LeakyReLU", "Linear", "LogSoftmax", "LowRankLinear", "Maxout", "Module",
    "QATLinear", "QuantizedLinear", "ReLU", "Residual", "Sequential", "SparseLinear",
    "ShapeError", "Sigmoid", "Softmax", "Softplus", "SymmetryWarning", "Tanh", "TiedAutoencoder",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "hard_tanh", "hinge",
    "identity", "init", "is_parameter", "l1_penalty", "l2_penalty", "leaky_relu",
    "load_state", "log_softmax", "mean_squared_error", "multiclass_hinge", "penalized",
    "read_state", "relu", "shapes", "sigmoid", "softmax", "softmax_cross_entropy", "softplus",
    "squared_error", "tanh",
]
