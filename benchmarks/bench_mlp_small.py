"""Claim 4: on a small network the per-operation overhead stays within 2x of hand NumPy.

MLP 64-128-10, batch 64, float64, ReLU (np.maximum(h, 0)), stable softmax cross-entropy written
with NumPy operations; value and gradient w.r.t. all weights and biases. The hand-written NumPy
backpropagation is the 1.00 reference.

Target: <= 2.0x hand NumPy (reference on the 2-core machine: autograd 7.6x, PyTorch eager 3.0x).

Run: .venv/bin/python benchmarks/bench_mlp_small.py [--quick] [--profile]
"""

from __future__ import annotations

import numpy as np
from mlp import run

if __name__ == "__main__":
    run(
        "bench_mlp_small",
        __doc__.splitlines()[0],
        sizes=[64, 128, 10],
        batch=64,
        dtype=np.float64,
        target=2.0,
        rtol=1e-9,
        rel_atol=1e-12,
        budget=2.5,
        quick_budget=0.3,
        profile_calls=2000,
    )
