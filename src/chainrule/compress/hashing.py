"""Hashed weight sharing (HashedNets, Chen et al. 2015; seed 003 section 3.7.3, "Hash-Based
Compression"): each trained ``Linear`` becomes an ``nn.HashedLinear`` whose in * out weights
share K parameters by a hash of their position, then the network is fine-tuned with
``chainrule.train.fit`` (the gradient of a shared parameter sums over its entries, seed 003
section 3.2.9). The layer stores K numbers instead of in * out; the seed's example hashes a
100 x 100 matrix into 1000 buckets, 10 % of the space.

The shared parameters start at the best fit to the trained weights: w[k] is the mean of
sign(i, j) * W[i, j] over the entries hashed to k (the least-squares solution of
sign * w[h] ~ W, since sign^2 = 1), 0 for a bucket no entry falls in; so the hashed network
starts near the trained one and fine-tuning has less to recover.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from chainrule import nn
from chainrule.compress.selection import dense_layers, replaced


def hash_layers(model: nn.Sequential, buckets: int | None = None,
                compression: float | None = None, layers: Sequence[int] | None = None,
                seed: int = 0, sign: bool = True) -> nn.Sequential:
    """A new network with each chosen ``Linear`` (``layers``: indices, or None for all)
    replaced by a ``HashedLinear`` of K buckets; ``model`` is left unchanged. Give one of
    ``buckets`` (the same K for every layer, 1 <= K <= in * out) or ``compression`` in (0, 1]
    (per layer K = round(compression * in * out)). Layer i hashes with seed ``seed + i``;
    ``sign=False`` leaves out the sign hash.

    Example:
        >>> from chainrule.train.mlp import build_mlp
        >>> net = build_mlp(64, [32], 10)
        >>> small = hash_layers(net, compression=0.1)
        >>> [getattr(m, "buckets", None) for m in small], small.num_parameters()
        ([205, None, 32], 279)
    """
    if (buckets is None) == (compression is None):
        raise ValueError(f"hash_layers: give exactly one of buckets or compression, got "
                         f"buckets={buckets!r}, compression={compression!r}")
    if buckets is not None and (isinstance(buckets, bool) or
                                not isinstance(buckets, int | np.integer) or buckets < 1):
        raise ValueError(f"hash_layers: buckets must be a positive integer (K shared weights), "
                         f"got {buckets!r}")
    if compression is not None and not 0.0 < float(compression) <= 1.0:
        raise ValueError(f"hash_layers: compression must be a fraction in (0, 1], got "
                         f"{compression!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"hash_layers: seed must be a non-negative integer, got {seed!r}")
    new = {}
    for i in dense_layers(model, layers, "hash_layers"):
        layer = model.layers[i]
        n_in, n_out = layer.W.shape
        k = int(buckets) if buckets is not None else int(round(compression * n_in * n_out))
        if not 1 <= k <= n_in * n_out:
            raise ValueError(f"hash_layers: {k} buckets for layer {i} ({layer!r}); K must be "
                             f"in 1..{n_in * n_out} (in * out)")
        hashed = nn.HashedLinear(n_in, n_out, k, seed=int(seed) + i, sign=sign,
                                 bias=layer.b is not None, dtype=layer.W.dtype)
        hashed.w = bucket_means(np.asarray(layer.W), hashed.index, hashed.sign, k)
        if layer.b is not None:
            hashed.b = np.array(layer.b)
        new[i] = hashed
    return replaced(model, new)


def bucket_means(W: np.ndarray, index: np.ndarray, sign: np.ndarray | None,
                 buckets: int) -> np.ndarray:
    """Per bucket k, the mean of ``sign * W`` over the entries whose ``index`` is k (0 for an
    empty bucket): the shared weights closest to ``W`` in the least-squares sense.

    Example:
        >>> import numpy as np
        >>> W = np.array([[1.0, 3.0], [-2.0, 5.0]])
        >>> bucket_means(W, np.array([[0, 0], [1, 2]]), np.array([[1, 1], [-1, 1]]), 4).tolist()
        [2.0, 2.0, 5.0, 0.0]
    """
    signed = W if sign is None else W * sign
    sums = np.bincount(index.ravel(), weights=signed.ravel(), minlength=buckets)
    counts = np.bincount(index.ravel(), minlength=buckets)
    return (sums / np.maximum(counts, 1)).astype(W.dtype)
