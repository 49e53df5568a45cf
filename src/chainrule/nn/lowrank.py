"""``LowRankLinear``: a ``Linear`` whose weight matrix is a product of two thin factors,
``W ~ U @ V`` (seed 003 section 3.7.3, "Leveraging Redundancies in Weights"), built by
``chainrule.compress.lowrank.low_rank`` from a trained layer's truncated SVD.

The seed writes ``W ~ U V^T`` with U of shape (m1, k) and V of shape (m2, k); here, with the
library's (in, out) weight convention, ``U`` has shape (in, rank) and ``V`` shape (rank, out),
so ``V`` is the seed's ``V^T``. The factors store ``rank * (in + out)`` numbers instead of
``in * out``, fewer as long as the rank is below half the harmonic mean of in and out.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule import numpy as cnp
from chainrule.nn.module import Module
from chainrule.nn.shapes import check_features
from chainrule.nn.specs import register_layer


@register_layer("lowrank")
class LowRankLinear(Module):
    """``y = (x @ U) @ V + b``: the seed's two layers of sizes in -> rank -> out, a linear
    bottleneck with no activation between them.

    It is one module rather than two ``Linear`` layers so that the network keeps one layer per
    original layer: layer indices, the checkpoint spec (kind ``"lowrank"``, keys ``in``,
    ``out``, ``rank``, ``bias``) and the size report stay per original layer, and the first
    factor carries no bias of its own (a bias there would be absorbed into ``b``).

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> layer = nn.LowRankLinear(np.ones((4, 1)), np.ones((1, 3)), np.zeros(3))
        >>> layer(np.ones((2, 4))).tolist(), layer.num_stored()
        ([[4.0, 4.0, 4.0], [4.0, 4.0, 4.0]], 10)
    """

    def __init__(self, U: Any, V: Any, b: Any = None) -> None:
        U, V = np.array(U), np.array(V)
        if U.ndim != 2 or V.ndim != 2 or U.shape[1] != V.shape[0] or U.shape[1] < 1:
            raise ValueError(f"LowRankLinear: U (in, rank) and V (rank, out) must share a "
                             f"rank >= 1, got shapes {U.shape} and {V.shape}")
        if U.dtype.kind != "f" or V.dtype.kind != "f":
            raise ValueError(f"LowRankLinear: the factors must be float arrays, got {U.dtype} "
                             f"and {V.dtype}")
        self.in_features, self.rank = U.shape
        self.out_features = V.shape[1]
        self.U, self.V = U, V
        if b is not None:
            b = np.array(b, dtype=V.dtype)
            if b.shape != (self.out_features,):
                raise ValueError(f"LowRankLinear: the bias must have shape "
                                 f"({self.out_features},), got {b.shape}")
        self.b = b

    def forward(self, x: Any) -> Any:
        check_features(self, x, self.in_features)
        y = cnp.matmul(cnp.matmul(x, self.U), self.V)
        return y if self.b is None else y + self.b

    def spec(self) -> dict[str, Any]:
        """The layer's kind, shapes and whether it has a bias (JSON-ready)."""
        return {"kind": "lowrank", "in": int(self.in_features), "out": int(self.out_features),
                "rank": int(self.rank), "bias": self.b is not None}

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> LowRankLinear:
        """A zero layer of the spec's shapes, its arrays to be loaded from a state dict.

        Example:
            >>> from chainrule import nn
            >>> nn.LowRankLinear.from_spec({"in": 5, "out": 3, "rank": 2, "bias": True})
            LowRankLinear(5 -> 2 -> 3)
        """
        n_in, n_out, rank = (int(spec[k]) for k in ("in", "out", "rank"))
        return cls(np.zeros((n_in, rank)), np.zeros((rank, n_out)),
                   np.zeros(n_out) if spec.get("bias", True) else None)

    def weight(self) -> Any:
        """The dense matrix ``U @ V`` of shape (in, out) the layer stands for."""
        return cnp.matmul(self.U, self.V)

    def num_stored(self) -> int:
        """Numbers stored: ``rank * (in + out)`` plus the bias."""
        return int(self.U.size + self.V.size + (0 if self.b is None else self.b.size))

    def nbytes(self) -> int:
        """Bytes of the arrays as stored."""
        return int(self.U.nbytes + self.V.nbytes + (0 if self.b is None else self.b.nbytes))

    def __repr__(self) -> str:
        extra = "" if self.b is not None else ", bias=False"
        return f"LowRankLinear({self.in_features} -> {self.rank} -> {self.out_features}{extra})"
