"""GPU claim: on large float32 work, chainrule on CuPy costs about what hand-written CuPy does.

Value and gradient of mlp.py's ReLU MLP with softmax cross-entropy (max-shifted log-sum-exp, mean
negative log-likelihood), float32, in one process on the same inputs: chainrule differentiating
plain Array API code on CuPy arrays, the same forward pass with a hand-written CuPy backward pass
(= 1.00), and PyTorch CUDA eager (``loss.backward()``). Two problems: 784-1024-1024-10 batch 256
(reported) and 4096-4096-4096-10 batch 1024 (judged).

Targets (large problem): chainrule <= 1.05x hand CuPy and <= 1.2x PyTorch CUDA eager.

Without CuPy or a CUDA GPU the script says so, measures nothing and exits 0; without PyTorch
(or a CUDA build of it) it compares chainrule with hand CuPy only. ``--library numpy`` is the
smoke run for machines without a GPU: the same code on NumPy arrays (PyTorch on the CPU), with
``--sizes tiny`` for a run of a few seconds; its figures are not the GPU claim.

Run: python benchmarks/gpu.py [--quick] [--library cupy|numpy] [--sizes issue|tiny]
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np
from common import (
    Table,
    add_chainrule,
    assert_close,
    blas_threads,
    exit_code,
    flat,
    header,
    verdict,
)

import chainrule as cr

TARGET_HAND, TARGET_TORCH = 1.05, 1.2
RTOL = 1e-4  # float32, relative to each entry and to the largest entry of each array
X_BITS, W_BITS = 1, 7  # the dyadic grids of the inputs and the weights (see make_problem)
PROBLEMS = {  # name: (layer sizes, batch, judged against the targets)
    "issue": [("small", [784, 1024, 1024, 10], 256, False),
              ("large", [4096, 4096, 4096, 10], 1024, True)],
    "tiny": [("small", [16, 32, 32, 10], 8, False),
             ("large", [32, 64, 64, 10], 16, True)],
}


@dataclass
class Library:
    """Where the arrays live and how to reach them: nothing moves between host and device
    except through ``put`` and ``host``, and ``sync`` waits for the device (a no-op on NumPy)."""

    name: str
    xp: ModuleType
    put: Callable[[np.ndarray], Any]
    host: Callable[[Any], np.ndarray]
    sync: Callable[[], None]
    device: str


def open_cupy() -> Library | None:
    """CuPy on GPU 0, or None after one line saying what is missing."""
    os.environ["CUPY_TF32"] = "0"  # float32 matmuls in float32, not TF32 (read on first use)
    try:
        import cupy
    except ImportError as e:
        print(f"gpu.py: CuPy is not installed ({e}; pip install -e '.[gpu]'), "
              "so nothing was measured")
        return None
    try:
        count = cupy.cuda.runtime.getDeviceCount()
        why = "0 devices"
    except Exception as e:  # noqa: BLE001  (CUDARuntimeError without a driver or a GPU)
        count, why = 0, f"{type(e).__name__}: {e}"
    if count == 0:
        print(f"gpu.py: CuPy {cupy.__version__} finds no CUDA GPU ({why}), "
              "so nothing was measured")
        return None
    name = cupy.cuda.runtime.getDeviceProperties(0)["name"]
    name = name.decode() if isinstance(name, bytes) else str(name)
    rt = cupy.cuda.runtime.runtimeGetVersion()
    return Library("cupy", cupy, cupy.asarray, cupy.asnumpy, cupy.cuda.Device(0).synchronize,
                   f"{name} (CuPy {cupy.__version__}, CUDA runtime {rt // 1000}.{rt % 1000 // 10},"
                   " CUPY_TF32=0)")


def open_numpy() -> Library:
    return Library("numpy", np, np.asarray, np.asarray, lambda: None,
                   "the CPU (smoke run on NumPy: not the GPU claim)")


def open_torch(lib: Library) -> tuple[Any, str] | None:
    """PyTorch and the device to run it on (CUDA beside CuPy, the CPU beside NumPy), or None
    after one line saying why it is skipped."""
    try:
        import torch
    except ImportError:
        print("torch: not installed (pip install torch, a CUDA build for the GPU run): "
              "PyTorch skipped")
        return None
    if lib.name == "numpy":
        torch.set_num_threads(blas_threads())
        return torch, "cpu"
    if not torch.cuda.is_available():
        print(f"torch {torch.__version__}: CUDA not available (a CPU build?): PyTorch skipped")
        return None
    torch.backends.cuda.matmul.allow_tf32 = False  # float32 as CuPy computes it
    print(f"torch {torch.__version__} on {torch.cuda.get_device_name(0)} "
          f"(CUDA {torch.version.cuda}, allow_tf32=False)")
    return torch, "cuda"


# --- the problem --------------------------------------------------------------------------
def dyadic(a: np.ndarray, bits: int) -> np.ndarray:
    """``a`` rounded to the nearest multiple of 2**-bits."""
    return np.round(a * 2.0**bits) / 2.0**bits


def make_problem(sizes: list[int], batch: int, seed: int = 0):
    """Parameters [(W1, b1), ...], inputs X and one-hot targets Y: float32 NumPy arrays.

    He-initialised as in mlp.py, but on dyadic grids (X on multiples of 2**-X_BITS, weights of
    2**-W_BITS, each bias an odd multiple of half the grid of the products it is added to) so
    that every hidden pre-activation ``h @ W + b`` is exact in float32 whatever order a kernel
    sums in, and never exactly 0. The ReLU masks of the three libraries are then the same and
    the gradients agree to float32 rounding, entry by entry. With arbitrary floats, two cuBLAS
    kernels summing in different orders put a few of the 8 million hidden pre-activations of
    the large problem on different sides of 0, changing single gradient columns by percents.
    """
    rng = np.random.default_rng(seed)
    X = dyadic(rng.standard_normal((batch, sizes[0])), X_BITS)
    Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], batch)]
    h, bits = X, X_BITS
    params = []
    for layer, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        W = dyadic(rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in), W_BITS)
        bits += W_BITS + 1  # h @ W: multiples of 2**(1 - bits); + b: odd multiples of 2**-bits
        b = (2 * np.floor(rng.standard_normal(n_out) * 0.01 * 2.0 ** (bits - 1)) + 1) / 2.0**bits
        params.append((W, b))
        if layer < len(sizes) - 2:  # a ReLU follows: every partial sum must fit 24 bits
            bound = float(np.max(np.abs(h) @ np.abs(W) + np.abs(b))) * 2.0**bits
            if bound >= 2.0**24:
                raise ValueError(f"layer {layer + 1} of {sizes}: partial sums up to {bound:.3g} "
                                 "units of its grid are not exact in float32; coarser grids")
            h = np.maximum(h @ W + b, 0)
    f32 = [tuple(a.astype(np.float32) for a in wb) for wb in params]
    return f32, X.astype(np.float32), Y.astype(np.float32)


def loss(params, X, Y):
    """The loss as a user writes it against the Array API: ``xp`` is the namespace of the traced
    parameters (chainrule.array_api), each operation running in the arrays' own library. The
    traced factor comes first in ``logp * Y`` and the constant X goes through ``xp.matmul``:
    no library's own operator is asked to handle a traced operand."""
    xp = params[0][0].__array_namespace__()
    h = X
    for W, b in params[:-1]:
        h = xp.maximum(xp.matmul(h, W) + b, 0)
    W, b = params[-1]
    logits = xp.matmul(h, W) + b
    z = logits - xp.max(logits, axis=1, keepdims=True)
    logp = z - xp.log(xp.sum(xp.exp(z), axis=1, keepdims=True))
    return -xp.sum(logp * Y) / X.shape[0]


def hand_value_and_grad(xp: ModuleType, params, X, Y):
    """The same forward pass in ``xp`` (CuPy, or NumPy in the smoke run), keeping activations,
    and backpropagation written by hand: the 1.00 reference."""
    acts = [X]
    h = X
    for W, b in params[:-1]:
        h = xp.maximum(h @ W + b, 0)
        acts.append(h)
    W, b = params[-1]
    logits = h @ W + b
    z = logits - xp.max(logits, axis=1, keepdims=True)
    e = xp.exp(z)
    s = xp.sum(e, axis=1, keepdims=True)
    batch = X.shape[0]
    value = -xp.sum(Y * (z - xp.log(s))) / batch
    d = (e / s - Y) / batch  # d loss / d logits
    grads = []
    for i in range(len(params) - 1, -1, -1):
        W, b = params[i]
        h = acts[i]
        grads.append((h.T @ d, xp.sum(d, axis=0)))
        if i > 0:
            d = (d @ W.T) * (h > 0)  # ReLU: h = max(pre, 0), and pre is never exactly 0
    grads.reverse()
    return value, grads


def torch_value_and_grad(torch: Any, params, X, Y):
    """The same operations on tensors (not the fused F.cross_entropy); gradients by
    ``loss.backward()`` into ``.grad``, reset first as ``zero_grad(set_to_none=True)`` does."""
    for W, b in params:
        W.grad = b.grad = None
    h = X
    for W, b in params[:-1]:
        h = torch.relu(h @ W + b)
    W, b = params[-1]
    logits = h @ W + b
    z = logits - torch.amax(logits, dim=1, keepdim=True)
    logp = z - torch.log(torch.sum(torch.exp(z), dim=1, keepdim=True))
    value = -torch.sum(Y * logp) / X.shape[0]
    value.backward()
    return value.detach(), [(W.grad, b.grad) for W, b in params]


# --- measuring ----------------------------------------------------------------------------
def synced(fn: Callable[[], Any], sync: Callable[[], None]) -> Callable[[], Any]:
    """``fn`` followed by waiting for the device: each timed call starts on an idle device
    (the previous one waited) and ends when its kernels have run."""
    def call() -> Any:
        out = fn()
        sync()
        return out
    return call


def run_problem(lib: Library, torch_dev: tuple[Any, str] | None, name: str, sizes: list[int],
                batch: int, judged: bool, budget: float) -> bool:
    """Check the three against each other, time them, print the table, the ratios beside the
    targets and (judged problem) the TARGET lines. False when chainrule could not run."""
    shape = f"MLP {'-'.join(map(str, sizes))}, batch {batch}, float32"
    params_np, X_np, Y_np = make_problem(sizes, batch)
    params = [tuple(lib.put(a) for a in wb) for wb in params_np]
    X, Y = lib.put(X_np), lib.put(Y_np)
    hand_label = f"{lib.name} (hand)"
    want_v, want_g = hand_value_and_grad(lib.xp, params, X, Y)
    want = [lib.host(a) for a in (want_v, *flat(want_g))]

    def check(label: str, host: Callable[[Any], np.ndarray], result: Any) -> None:
        v, g = result
        got = [host(a) for a in (v, *flat(g))]
        for a in got[1:]:
            if a.dtype != np.float32:
                raise AssertionError(f"{label}: gradient dtype {a.dtype}, expected float32")
        assert_close(label, got, want, rtol=RTOL, rel_atol=RTOL,
                     reference=f"the hand-written {lib.name} version")

    table = Table(f"value and gradient, {shape}, on {lib.device}")
    table.add(hand_label, synced(lambda: hand_value_and_grad(lib.xp, params, X, Y), lib.sync))
    vg = cr.value_and_grad(loss)
    ok = add_chainrule(table, "chainrule", synced(lambda: vg(params, X, Y), lib.sync),
                       lambda got: check("chainrule", lib.host, got))
    torch_label = None
    if torch_dev is not None:
        torch, dev = torch_dev
        tparams = [tuple(torch.from_numpy(a).to(dev).requires_grad_() for a in wb)
                   for wb in params_np]
        Xt, Yt = torch.from_numpy(X_np).to(dev), torch.from_numpy(Y_np).to(dev)
        torch_sync = torch.cuda.synchronize if dev == "cuda" else lambda: None
        torch_call = synced(lambda: torch_value_and_grad(torch, tparams, Xt, Yt), torch_sync)
        torch_label = f"torch eager ({dev})"
        check(torch_label, lambda t: t.detach().cpu().numpy(), torch_call())
        table.add(torch_label, torch_call, "same ops (not the fused F.cross_entropy)",
                  own_threads=dev == "cpu")
    print(f"{name}: {shape}: chainrule, hand {lib.name}"
          f"{' and PyTorch' if torch_label else ''} agree (loss and gradients to {RTOL:g})")
    lib.sync()
    table.measure(budget, min_sample=1e-2)
    table.print(baseline=hand_label, column="vs hand")

    t_hand, t_cr = table.value(hand_label), table.value("chainrule")
    t_torch = table.value(torch_label) if torch_label else None
    r_hand = None if t_cr is None else t_cr / t_hand
    r_torch = None if t_cr is None or t_torch is None else t_cr / t_torch
    scope = "judged on this problem" if judged else "applies to the large problem; reported"
    for ref, ratio, target in ((hand_label, r_hand, TARGET_HAND),
                               (torch_label or "torch (skipped)", r_torch, TARGET_TORCH)):
        shown = "-" if ratio is None else f"{ratio:.3f}"
        print(f"  chainrule / {ref:<20} {shown:>7}   target <= {target:.2f} ({scope})")
    print()
    if judged:
        tag = f"gpu_mlp_{name}" + (" [smoke run on NumPy, not the GPU claim]"
                                   if lib.name == "numpy" else "")
        verdict(tag, r_hand, TARGET_HAND,
                f"chainrule time / hand {lib.name} time <= {TARGET_HAND:.2f}", table)
        torch_text = f"chainrule time / PyTorch eager time <= {TARGET_TORCH:.1f}"
        if torch_label is None:
            print(f"TARGET {tag}: {torch_text} -> not measured (PyTorch skipped)")
        else:
            verdict(tag, r_torch, TARGET_TORCH, torch_text, table)
        print()
    return ok


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="shorter timing budget (smoke run)")
    p.add_argument("--library", choices=["cupy", "numpy"], default="cupy",
                   help="cupy (the claim, on GPU 0) or numpy (smoke run of the same code)")
    p.add_argument("--sizes", choices=sorted(PROBLEMS), default="issue",
                   help="issue: the issue's two problems; tiny: small layers for a smoke run")
    args = p.parse_args()
    lib = open_cupy() if args.library == "cupy" else open_numpy()
    if lib is None:
        exit_code(True)  # nothing to measure here is not a failure (make bench on a CPU box)
    problems = PROBLEMS[args.sizes]
    listed = "; ".join(f"{n} {'-'.join(map(str, s))} batch {b} ({'judged' if j else 'reported'})"
                       for n, s, b, j in problems)
    header("gpu: chainrule on CuPy vs hand-written CuPy and PyTorch CUDA eager",
           f"value and gradient of a ReLU MLP with softmax cross-entropy, float32: {listed}\n"
           f"device: {lib.device}")
    torch_dev = open_torch(lib)
    budget = 0.2 if args.quick else 2.0
    ok = True
    for name, sizes, batch, judged in problems:
        ok = run_problem(lib, torch_dev, name, sizes, batch, judged, budget) and ok
    exit_code(ok)


if __name__ == "__main__":
    main()
