"""``HashedLinear``: a ``Linear`` whose weight matrix shares K parameters by a hash of each
entry's position (HashedNets, Chen et al. 2015; seed 003 section 3.7.3, "Hash-Based
Compression"), built by ``chainrule.compress.hashing.hash_layers``.

The virtual matrix is ``V[i, j] = sign(i, j) * w[h(i, j)]`` with ``h`` a fixed hash of the
position into K buckets and ``sign`` an optional second hash into {-1, +1} (it makes the
collisions of a bucket cancel on average instead of biasing the product). Only ``w`` (K
numbers) and the bias are stored; the hashes are recomputed from the spec's ``seed`` whenever
the layer is built, so a checkpoint holds no index. Each entry is a use of a shared weight, so
the gradient of ``w[k]`` is the sum over the entries hashed to k of the (signed) gradient of
the entry (seed 003 section 3.2.9): what the gather ``w[index]`` gives by backpropagation.

The hash is splitmix64's finalizer (Steele, Lea and Flood 2014) in uint64 arithmetic, which
wraps modulo 2^64 identically on every machine and NumPy version: the key is
``(i << 32) | j``, offset by the mixed seed and a salt (one for the bucket, one for the sign),
then mixed; the bucket is the mixed value modulo K, the sign its top bit.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule import numpy as cnp
from chainrule.devices import device_of
from chainrule.nn.init import as_rng
from chainrule.nn.module import Module
from chainrule.nn.shapes import check_features
from chainrule.nn.specs import register_layer

_BUCKET_SALT, _SIGN_SALT = np.uint64(0x243F6A8885A308D3), np.uint64(0x13198A2E03707344)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer on a uint64 array (a bijection that spreads every input bit)."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def position_hash(shape: tuple[int, int], seed: int, salt: np.uint64 = _BUCKET_SALT
                  ) -> np.ndarray:
    """The uint64 hash of every position (i, j) of a matrix of ``shape`` under ``seed``.

    Example:
        >>> (position_hash((2, 2), seed=0) % 5).tolist()
        [[3, 0], [0, 1]]
    """
    n_in, n_out = shape
    if not (0 <= n_in < 2 ** 32 and 0 <= n_out < 2 ** 32 and 0 <= seed < 2 ** 63):
        raise ValueError(f"position_hash: needs a shape below 2^32 and a seed in [0, 2^63), got "
                         f"{shape} and {seed!r}")
    key = (np.arange(n_in, dtype=np.uint64)[:, None] << np.uint64(32)) \
        | np.arange(n_out, dtype=np.uint64)[None, :]
    offset = _mix(np.array([seed], dtype=np.uint64)) + np.array([salt])  # wraps, as arrays do
    return _mix(key + offset)


def hashed_index(shape: tuple[int, int], buckets: int, seed: int,
                 signed: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """The bucket (0..K-1, intp) of every position, and its sign (int8, +1/-1; None when
    ``signed`` is False).

    Example:
        >>> index, sign = hashed_index((2, 3), buckets=4, seed=0)
        >>> index.tolist(), sign.tolist()
        ([[2, 1, 3], [0, 2, 1]], [[-1, 1, 1], [-1, -1, 1]])
    """
    index = (position_hash(shape, seed) % np.uint64(buckets)).astype(np.intp)
    if not signed:
        return index, None
    top = position_hash(shape, seed, _SIGN_SALT) >> np.uint64(63)
    return index, (1 - 2 * top.astype(np.int8)).astype(np.int8)


@register_layer("hashed")
class HashedLinear(Module):
    """``y = x @ V + b`` with the virtual matrix ``V[i, j] = sign(i, j) * w[h(i, j)]`` of shape
    (in, out) drawn from ``buckets`` = K trainable numbers ``w`` (see the module docstring).

    ``w`` starts U[-1/sqrt(in), 1/sqrt(in)] from ``rng`` (``Linear``'s default, so V's entries
    have a ``Linear``'s distribution); ``hash_layers`` sets it from a trained layer. The spec
    (kind ``"hashed"``) has the keys ``in``, ``out``, ``buckets``, ``seed``, ``sign`` and
    ``bias``; the bucket index and signs are static arrays rebuilt from them (not parameters,
    not buffers: never in a state dict). On another device (a GPU) the index is copied there
    at each forward pass.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> layer = nn.HashedLinear(100, 100, buckets=1000, rng=0)
        >>> layer.w.shape, layer(np.ones((2, 100))).shape, layer.num_stored()
        ((1000,), (2, 100), 1100)
    """

    def __init__(self, in_features: int, out_features: int, buckets: int, seed: int = 0,
                 sign: bool = True, bias: bool = True,
                 rng: np.random.Generator | int | None = None, dtype: Any = np.float64) -> None:
        sizes = {"in_features": in_features, "out_features": out_features, "buckets": buckets}
        for name, v in {**sizes, "seed": seed}.items():
            if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 0:
                raise ValueError(f"HashedLinear: {name} must be a non-negative integer, "
                                 f"got {v!r}")
        if min(in_features, out_features, buckets) < 1:
            raise ValueError(f"HashedLinear: sizes and buckets must be positive, got {sizes}")
        if buckets > in_features * out_features:
            raise ValueError(f"HashedLinear: {buckets} buckets for a {in_features} x "
                             f"{out_features} matrix ({in_features * out_features} entries); "
                             "more buckets than entries leave some unused")
        self.in_features, self.out_features = int(in_features), int(out_features)
        self.buckets, self.seed, self.signed = int(buckets), int(seed), bool(sign)
        self.index, self.sign = hashed_index((self.in_features, self.out_features),
                                             self.buckets, self.seed, self.signed)
        bound = 1.0 / np.sqrt(self.in_features)
        self.w = as_rng(rng).uniform(-bound, bound, self.buckets).astype(dtype)
        self.b = np.zeros(self.out_features, dtype=self.w.dtype) if bias else None

    def weight(self) -> Any:
        """The virtual matrix V (in, out): ``w`` gathered by the index, times the signs."""
        w, index, sign = self.w, self.index, self.sign
        where = device_of(w)
        if not where.is_host:  # the host's index, copied to w's device (dtype kept)
            index, sign = where.put(index), None if sign is None else where.put(sign)
        V = w[index]
        return V if sign is None else V * sign

    def forward(self, x: Any) -> Any:
        check_features(self, x, self.in_features)
        y = cnp.matmul(x, self.weight())
        return y if self.b is None else y + self.b

    def spec(self) -> dict[str, Any]:
        """The layer's kind, shapes, hash size and seed (JSON-ready)."""
        return {"kind": "hashed", "in": self.in_features, "out": self.out_features,
                "buckets": self.buckets, "seed": self.seed, "sign": self.signed,
                "bias": self.b is not None}

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> HashedLinear:
        """A layer of the spec's shapes and hash, its arrays to be loaded from a state dict.

        Example:
            >>> from chainrule import nn
            >>> spec = {"in": 4, "out": 3, "buckets": 5, "seed": 7, "sign": True, "bias": True}
            >>> nn.HashedLinear.from_spec(spec).index.tolist()
            [[3, 4, 1], [3, 4, 0], [2, 4, 2], [3, 0, 2]]
        """
        return cls(int(spec["in"]), int(spec["out"]), int(spec["buckets"]),
                   seed=int(spec["seed"]), sign=bool(spec.get("sign", True)),
                   bias=bool(spec.get("bias", True)), rng=0)

    def num_stored(self) -> int:
        """Numbers stored: the K shared weights and the bias (the index is recomputed)."""
        return int(self.w.size + (0 if self.b is None else self.b.size))

    def nbytes(self) -> int:
        """Bytes of the stored arrays (``w`` and the bias)."""
        return int(self.w.nbytes + (0 if self.b is None else self.b.nbytes))

    def __repr__(self) -> str:
        extra = "" if self.b is not None else ", bias=False"
        return (f"HashedLinear({self.in_features} -> {self.out_features}, "
                f"buckets={self.buckets}{extra})")

