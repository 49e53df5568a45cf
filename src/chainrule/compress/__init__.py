"""Model compression (seed 003, section 3.7.3): magnitude pruning and L1 sparsification with
sparse storage, int8 quantization (post-training with a calibration set, or quantization-aware
with the straight-through estimator), low-rank factorization by truncated SVD, hashed weight
sharing (HashedNets), and mimic (teacher-student) models. Each method takes a trained
``nn.Sequential`` and returns a new one whose compressed layers (``chainrule.nn``) a checkpoint
can name; fine-tuning is ``chainrule.train.fit``."""

from chainrule.compress.hashing import hash_layers
from chainrule.compress.lowrank import low_rank, parameter_counts, svd_factors
from chainrule.compress.mimic import DistillationLoss, StudentSizeWarning, distill, soft_targets
from chainrule.compress.prune import (
    cubic_schedule,
    l1_sparsify,
    magnitude_prune,
    prune_iteratively,
    sparsity,
)
from chainrule.compress.quantize import convert, fake_quantize, prepare_qat, quantize

__all__ = [
    "DistillationLoss", "StudentSizeWarning", "convert", "cubic_schedule", "distill",
    "fake_quantize", "hash_layers", "l1_sparsify", "low_rank", "magnitude_prune",
    "parameter_counts", "prepare_qat", "prune_iteratively", "quantize", "soft_targets",
    "sparsity", "svd_factors",
]
