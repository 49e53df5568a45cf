"""Claim 3: on large, matmul-dominated work chainrule costs about what hand-written NumPy does.

MLP 784-1024-1024-10, batch 256, float32, ReLU (np.maximum(h, 0)), stable softmax cross-entropy
written with NumPy operations; value and gradient w.r.t. all weights and biases. The
hand-written NumPy backpropagation is the 1.00 reference.

Target: <= 1.10x hand NumPy (reference on the 2-core machine: autograd 2.33x, PyTorch eager
0.92x).

Run: .venv/bin/python benchmarks/bench_mlp_large.py [--quick] [--profile]
"""

from __future__ import annotations

import numpy as np
from mlp import run

if __name__ == "__main__":
    run(
        "bench_mlp_large",
        __doc__.splitlines()[0],
        sizes=[784, 1024, 1024, 10],
        batch=256,
        dtype=np.float32,
        target=1.10,
        rtol=2e-3,
        rel_atol=2e-4,
        budget=3.0,
        quick_budget=0.3,
        profile_calls=20,
    )
