"""``SparseLinear``: a ``Linear`` whose pruned weights are not stored (seed 003 section 3.7.3,
sparsify the weights, then fine-tune).

Only the kept weights are kept: the parameter ``values`` (one per kept weight) and the buffer
``index`` (their flat positions in the (in, out) weight matrix, ascending, in the smallest
unsigned integer type that holds ``in * out - 1``), plus the bias ``b``. The forward pass
builds the dense W by reading a zero-padded copy of ``values`` at a gather index (every dense
position reads 1 + its rank among the kept positions, or the padding 0), a differentiable
read, so the gradient of ``values`` is the dense gradient at the kept positions. As the pruned
weights are no parameters, no optimizer update can move them: fine-tuning with ``fit`` is
masked fine-tuning.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule import numpy as cnp
from chainrule.backend import any_foreign, refuse_foreign
from chainrule.nn.layers import Linear
from chainrule.nn.module import Module
from chainrule.nn.shapes import check_features
from chainrule.nn.specs import register_layer
from chainrule.tracer import primal


def index_dtype(size: int) -> np.dtype:
    """The smallest unsigned integer type holding the flat positions 0 .. size - 1.

    Example:
        >>> index_dtype(256), index_dtype(8192), index_dtype(70000)
        (dtype('uint8'), dtype('uint16'), dtype('uint32'))
    """
    return np.min_scalar_type(max(int(size) - 1, 0))


@register_layer("sparse")
class SparseLinear(Module):
    """``y = x @ W + b`` with W of shape (in_features, out_features) zero except at the flat
    positions ``index``, where it holds ``values``. Build one with ``from_linear(linear, mask)``
    (or ``chainrule.compress.prune.magnitude_prune``); ``to_linear()`` gives the dense layer.

    Spec keys: ``in_features``, ``out_features``, ``kept`` (the number of stored weights) and
    ``bias`` (whether there is a bias).

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> dense = nn.Linear(3, 2, rng=0)
        >>> sparse = nn.SparseLinear.from_linear(dense, np.abs(dense.W) > 0.3)
        >>> sparse.values.size, sparse.num_stored(), sparse.index.dtype  # 4 + 4 + bias 2
        (4, 10, dtype('uint8'))
        >>> x = np.ones((4, 3))
        >>> bool(np.all(sparse(x) == x @ np.where(np.abs(dense.W) > 0.3, dense.W, 0) + dense.b))
        True
    """

    def __init__(self, in_features: int, out_features: int, values: Any, index: Any,
                 b: Any = None) -> None:
        self.in_features, self.out_features = int(in_features), int(out_features)
        size = self.in_features * self.out_features
        values, index = np.asarray(values), np.asarray(index)
        if values.ndim != 1 or values.dtype.kind != "f":
            raise ValueError(f"SparseLinear: values must be a 1-D floating-point array, got a "
                             f"{values.dtype} array of shape {values.shape}")
        if index.shape != values.shape or index.dtype.kind not in "iu":
            raise ValueError(f"SparseLinear: index must be integers, one per value "
                             f"({values.shape}), got a {index.dtype} array of shape "
                             f"{index.shape}")
        if index.size and (np.any(np.diff(index.astype(np.int64)) <= 0) or index[0] < 0
                           or index[-1] >= size):
            raise ValueError(f"SparseLinear: index must be ascending distinct flat positions "
                             f"in [0, {size}) of the ({self.in_features}, "
                             f"{self.out_features}) weight matrix")
        if b is not None and np.shape(b) != (self.out_features,):
            raise ValueError(f"SparseLinear: the bias must have shape ({self.out_features},), "
                             f"got {np.shape(b)}")
        self.values = values.copy()
        self.b = None if b is None else np.array(b, dtype=values.dtype)
        self.register_buffer("index", index.astype(index_dtype(size)))

    @classmethod
    def from_linear(cls, linear: Linear, mask: Any) -> SparseLinear:
        """The layer keeping ``linear``'s weights where the boolean ``mask`` (W's shape) is
        True, and its bias (copies; ``linear`` is unchanged)."""
        mask = np.asarray(mask)
        if mask.dtype != bool or mask.shape != np.shape(linear.W):
            raise ValueError(f"SparseLinear.from_linear: the mask must be a boolean array of "
                             f"the weights' shape {np.shape(linear.W)}, got a {mask.dtype} "
                             f"array of shape {mask.shape}")
        index = np.flatnonzero(mask)
        return cls(linear.in_features, linear.out_features, np.ravel(linear.W)[index], index,
                   linear.b)

    def weight(self) -> np.ndarray:
        """The dense (in, out) weight matrix as a NumPy array (zeros where pruned)."""
        dense = np.zeros(self.in_features * self.out_features, dtype=self.values.dtype)
        dense[np.asarray(self.index)] = primal(self.values)
        return dense.reshape(self.in_features, self.out_features)

    def to_linear(self) -> Linear:
        """The equivalent dense ``Linear`` (pruned weights as zeros).

        Example:
            >>> import numpy as np
            >>> from chainrule import nn
            >>> s = nn.SparseLinear(2, 2, np.array([1.0, 2.0]), np.array([0, 3]))
            >>> s.to_linear().W.tolist()
            [[1.0, 0.0], [0.0, 2.0]]
        """
        linear = Linear(self.in_features, self.out_features, bias=self.b is not None, rng=0,
                        dtype=self.values.dtype)
        linear.W = self.weight()
        if self.b is not None:
            linear.b = np.array(primal(self.b))
        return linear

    def forward(self, x: Any) -> Any:
        check_features(self, x, self.in_features)
        if any_foreign(x, self.values):
            raise refuse_foreign("SparseLinear (a device's layer can be its dense to_linear())",
                                 (x, self.values))
        size, kept = self.in_features * self.out_features, self.values.shape[0]
        # every dense position's 1 + rank among the kept positions, or 0: computed from the
        # buffer by NumPy operations, so that inside cr.jit (fit's compiled step takes the
        # buffers as inputs) they are part of the program (exact: integers as float64)
        gather = np.bincount(primal(self.index), np.arange(1.0, kept + 1.0),
                             minlength=size).astype(np.intp)
        padded = cnp.concatenate([np.zeros(1, dtype=self.values.dtype), self.values])
        w = cnp.reshape(padded[gather], (self.in_features, self.out_features))
        y = cnp.matmul(x, w)
        return y if self.b is None else y + self.b

    def spec(self) -> dict[str, Any]:
        """``{"kind": "sparse", "in_features", "out_features", "kept", "bias"}``."""
        return {"kind": "sparse", "in_features": self.in_features,
                "out_features": self.out_features, "kept": int(self.values.shape[0]),
                "bias": self.b is not None}

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> SparseLinear:
        """A layer of ``spec``'s shapes (values zero, the first ``kept`` positions), for a
        checkpoint's arrays to be loaded into."""
        kept = int(spec["kept"])
        return cls(spec["in_features"], spec["out_features"], np.zeros(kept), np.arange(kept),
                   np.zeros(spec["out_features"]) if spec["bias"] else None)

    def num_stored(self) -> int:
        """Numbers stored: the kept values, their positions and the bias."""
        return int(self.values.size + self.index.size + (0 if self.b is None else self.b.size))

    def nbytes(self) -> int:
        """Bytes of the stored arrays (values, index and bias, in their dtypes)."""
        return int(primal(self.values).nbytes + self.index.nbytes
                   + (0 if self.b is None else primal(self.b).nbytes))

    def __repr__(self) -> str:
        extra = "" if self.b is not None else ", bias=False"
        return (f"SparseLinear({self.in_features} -> {self.out_features}, kept "
                f"{self.values.shape[0]} of {self.in_features * self.out_features}{extra})")
