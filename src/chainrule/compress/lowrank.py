"""Low-rank factorization of dense layers (seed 003 section 3.7.3, "Leveraging Redundancies in
Weights"): each trained weight matrix W (in, out) is replaced by its truncated SVD, two
factors U (in, r) and V (r, out) in one ``nn.LowRankLinear``, which is then fine-tuned with
``chainrule.train.fit``. The seed factorizes after training, not before: trained from scratch
the factors co-adapt to an even lower rank and under-fit.

With W = A diag(s) B^T, the factors are U = A_r diag(sqrt(s_r)) and V = diag(sqrt(s_r)) B_r^T
(the square roots split evenly, so both factors have the same scale and the product is the
best rank-r approximation of W in the Frobenius norm). They store r (in + out) numbers instead
of in * out: the seed's ratio in * out / (r (in + out)) = harmonic-mean(in, out) / (2 r), a
saving only while r < harmonic-mean / 2. A layer whose chosen rank saves nothing stays a
``Linear`` (with a warning naming it; ``parameter_counts`` lists it as kept).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from chainrule import nn
from chainrule.compress.selection import dense_layers, replaced, stored


def low_rank(model: nn.Sequential, rank: int | None = None, energy: float | None = None,
             size: float | None = None, layers: Sequence[int] | None = None) -> nn.Sequential:
    """A new network with each chosen ``Linear`` (``layers``: indices, or None for all)
    replaced by its truncated SVD; ``model`` is left unchanged. Give exactly one of:

    - ``rank``: the same rank r for every layer (at most min(in, out) of each);
    - ``energy`` in (0, 1]: per layer, the smallest r whose singular values keep that
      fraction of sum(s^2) = ||W||_F^2;
    - ``size`` in (0, 1]: per layer, the largest r with r (in + out) <= size * in * out.

    Example:
        >>> from chainrule.train.mlp import build_mlp
        >>> net = build_mlp(64, [32], 10)
        >>> small = low_rank(net, rank=4)
        >>> [type(m).__name__ for m in small], small[0].num_stored()
        (['LowRankLinear', 'ReLU', 'LowRankLinear'], 416)
    """
    choice = {k: v for k, v in (("rank", rank), ("energy", energy), ("size", size))
              if v is not None}
    if len(choice) != 1:
        raise ValueError(f"low_rank: give exactly one of rank, energy or size, got "
                         f"{choice or 'none'}")
    _check_choice(**choice)
    new = {}
    for i in dense_layers(model, layers, "low_rank"):
        layer = model.layers[i]
        n_in, n_out = layer.W.shape
        A, s, Bt = np.linalg.svd(np.asarray(layer.W), full_matrices=False)
        r = _chosen_rank(s, n_in, n_out, rank, energy, size, f"layer {i} ({layer!r})")
        if r * (n_in + n_out) >= n_in * n_out:
            warnings.warn(f"low_rank: layer {i} ({layer!r}) kept as Linear: rank {r} stores "
                          f"{r} * ({n_in} + {n_out}) = {r * (n_in + n_out)} numbers, not fewer "
                          f"than the {n_in * n_out} of W", stacklevel=2)
            continue
        U, V = _split(A, s, Bt, r)
        new[i] = nn.LowRankLinear(U, V, None if layer.b is None else np.array(layer.b))
    return replaced(model, new)


def svd_factors(W: Any, rank: int) -> tuple[np.ndarray, np.ndarray]:
    """The factors ``U`` (in, rank) and ``V`` (rank, out) of ``W``'s truncated SVD, each with
    the square roots of the singular values; ``U @ V`` is the best rank-``rank`` approximation
    of ``W`` in the Frobenius norm (``W`` itself at full rank).

    Example:
        >>> import numpy as np
        >>> U, V = svd_factors(np.array([[3.0, 0.0], [0.0, 1.0]]), 1)
        >>> np.round(U @ V, 12).tolist()
        [[3.0, 0.0], [0.0, 0.0]]
    """
    W = np.asarray(W)
    if W.ndim != 2 or not 1 <= int(rank) <= min(W.shape):
        raise ValueError(f"svd_factors: rank {rank!r} must be in 1..min(in, out) of a matrix, "
                         f"got a matrix of shape {W.shape}")
    return _split(*np.linalg.svd(W, full_matrices=False), int(rank))


def _split(A: np.ndarray, s: np.ndarray, Bt: np.ndarray, r: int) -> tuple[np.ndarray, ...]:
    root = np.sqrt(s[:r])
    return A[:, :r] * root, root[:, None] * Bt[:r]


def _check_choice(rank: Any = None, energy: Any = None, size: Any = None) -> None:
    if rank is not None and (isinstance(rank, bool) or not isinstance(rank, int | np.integer)
                             or rank < 1):
        raise ValueError(f"low_rank: rank must be a positive integer, got {rank!r}")
    for name, value in (("energy", energy), ("size", size)):
        if value is not None and not 0.0 < float(value) <= 1.0:
            raise ValueError(f"low_rank: {name} must be a fraction in (0, 1], got {value!r}")


def _chosen_rank(s: np.ndarray, n_in: int, n_out: int, rank: int | None, energy: float | None,
                 size: float | None, where: str) -> int:
    """The rank the one given choice asks for, for singular values ``s`` (descending)."""
    full = min(n_in, n_out)
    if rank is not None:
        if rank > full:
            raise ValueError(f"low_rank: rank {rank} is larger than min(in, out) = {full} of "
                             f"{where}")
        return int(rank)
    if energy is not None:
        kept = np.cumsum(s.astype(np.float64) ** 2)
        # the relative slacks keep an exactly reachable fraction from rounding to another rank
        return min(full, 1 + int(np.sum(kept < energy * kept[-1] * (1 - 1e-12))))
    r = int(np.floor(size * n_in * n_out / (n_in + n_out) * (1 + 1e-12)))
    if r < 1:
        raise ValueError(f"low_rank: size {size!r} leaves less than rank 1 (in + out = "
                         f"{n_in + n_out} numbers) for {where}")
    return min(r, full)


def parameter_counts(model_before: nn.Sequential,
                     model_after: nn.Sequential) -> list[dict[str, Any]]:
    """One row per ``Linear`` of ``model_before``: the seed's count of weights (``seed_before``
    = in * out, ``seed_after`` = r (in + out), ``seed_ratio`` = in * out / (r (in + out)) =
    harmonic-mean(in, out) / (2 r)) beside the numbers each layer measurably stores
    (``stored_before``, ``stored_after``: weights and biases, so the biases are the difference)
    and whether the layer was ``kept`` as a ``Linear`` (rank None).

    Example:
        >>> from chainrule.train.mlp import build_mlp
        >>> net = build_mlp(64, [32], 10)
        >>> row = parameter_counts(net, low_rank(net, rank=4))[0]
        >>> row["seed_before"], row["seed_after"], row["stored_after"], row["seed_ratio"]
        (2048, 384, 416, 5.333333333333333)
    """
    if not isinstance(model_before, nn.Sequential) or not isinstance(model_after, nn.Sequential) \
            or len(model_before) != len(model_after):
        raise ValueError("parameter_counts: expected two nn.Sequential networks with the same "
                         "number of layers (a model and low_rank's result)")
    rows = []
    for i, (old, new) in enumerate(zip(model_before, model_after, strict=True)):
        if type(old) is not nn.Linear:
            continue
        n_in, n_out = old.W.shape
        r = new.rank if isinstance(new, nn.LowRankLinear) else None
        after = n_in * n_out if r is None else r * (n_in + n_out)
        rows.append({"layer": i, "in": n_in, "out": n_out, "rank": r, "kept": r is None,
                     "seed_before": n_in * n_out, "seed_after": after,
                     "seed_ratio": n_in * n_out / after,
                     "stored_before": stored(old)[0], "stored_after": stored(new)[0]})
    return rows
