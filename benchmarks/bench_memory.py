"""Claim 6: reverse mode keeps little beyond what backpropagation must keep.

One value-and-gradient through 40 layers h = tanh(h @ W + b) of width 1024, batch 512, float32,
loss sum(h). The reported ratio is

    peak memory during value-and-gradient / (bytes of parameters + bytes of the 40 saved
    activations)

where the peak counts everything allocated from the start of the call (so the returned
gradients, which are as large as the parameters, are included; the parameters and the input,
which exist before the call, are not).

Two ways of measuring, each for every library:

* traced: ``tracemalloc`` in this process (NumPy reports its array buffers to tracemalloc), for
  the hand-written NumPy versions, chainrule and autograd. PyTorch allocates outside Python's
  allocator, so it cannot be traced this way.
* RSS: in a fresh child process per library, the peak resident set size (Linux VmHWM, reset
  through /proc/self/clear_refs just before the call) minus the resident size just before the
  call, with glibc's mmap threshold pinned at 64 KiB (MALLOC_MMAP_THRESHOLD_) so that freed
  large buffers go back to the system at once. This covers PyTorch too; it also counts
  BLAS/thread-pool scratch memory first touched during the call, so it reads a little higher.

Target: chainrule traced ratio <= 1.5 (reference on the 2-core machine: hand NumPy 1.39,
autograd 2.05, PyTorch 1.92).

Run: .venv/bin/python benchmarks/bench_memory.py [--quick] [--no-rss]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
from common import assert_close, exit_code, flat, fmt_bytes, header, optional, verdict

LAYERS = 40
WIDTH = 1024
BATCH = 512
DTYPE = np.float32


def make_problem(seed: int = 0):
    rng = np.random.default_rng(seed)
    params = [
        (
            (rng.standard_normal((WIDTH, WIDTH), dtype=np.float32) / np.sqrt(WIDTH)).astype(DTYPE),
            (rng.standard_normal(WIDTH, dtype=np.float32) * 0.1).astype(DTYPE),
        )
        for _ in range(LAYERS)
    ]
    X = rng.standard_normal((BATCH, WIDTH), dtype=np.float32).astype(DTYPE)
    return params, X


def denominator(params) -> int:
    """Bytes of the parameters plus the 40 saved activations (one per layer)."""
    return sum(a.nbytes for a in flat(params)) + LAYERS * BATCH * WIDTH * np.dtype(DTYPE).itemsize


def loss(params, X):
    """The loss as a user writes it: plain NumPy."""
    h = X
    for W, b in params:
        h = np.tanh(h @ W + b)
    return np.sum(h)


def numpy_keep(params, X):
    """Hand-written: keep all activations in a list until the backward pass ends."""
    hs = [X]
    for W, b in params:
        hs.append(np.tanh(hs[-1] @ W + b))
    value = np.sum(hs[-1])
    g = np.ones_like(hs[-1])
    grads: list[Any] = [None] * len(params)
    for i in range(len(params) - 1, -1, -1):
        h = hs[i + 1]
        d = g * (1 - h * h)
        grads[i] = (hs[i].T @ d, np.sum(d, axis=0))
        if i > 0:
            g = d @ params[i][0].T
    return value, grads


def numpy_free(params, X):
    """Hand-written, memory-careful: drop each activation as soon as the backward pass used it."""
    hs = [X]
    for W, b in params:
        hs.append(np.tanh(hs[-1] @ W + b))
    value = np.sum(hs[-1])
    g = np.ones_like(hs[-1])
    grads: list[Any] = [None] * len(params)
    for i in range(len(params) - 1, -1, -1):
        h = hs.pop()
        d = g * (1 - h * h)
        h = g = None  # release before the next allocations
        grads[i] = (hs[-1].T @ d, np.sum(d, axis=0))
        if i > 0:
            g = d @ params[i][0].T
    return value, grads


# --- the libraries, each as a zero-argument call on a given problem ------------------------
def make_call(lib: str, params, X) -> Callable[[], Any] | None:
    """A call returning (value, flat list of gradients as NumPy arrays), or None if absent."""
    if lib == "numpy_keep":
        return lambda: numpy_keep(params, X)
    if lib == "numpy_free":
        return lambda: numpy_free(params, X)
    if lib == "chainrule":
        import chainrule as cr

        vg = cr.value_and_grad(loss)
        return lambda: vg(params, X)
    if lib == "autograd":
        try:
            import autograd
            import autograd.numpy as anp
        except ImportError:
            return None

        def ag_loss(params, X):
            h = X
            for W, b in params:
                h = anp.tanh(anp.dot(h, W) + b)
            return anp.sum(h)

        ag_vg = autograd.value_and_grad(ag_loss)
        return lambda: ag_vg(params, X)
    if lib == "torch":
        try:
            import torch
        except ImportError:
            return None
        from common import blas_threads

        torch.set_num_threads(blas_threads())
        tparams = [torch.from_numpy(a).requires_grad_() for a in flat(params)]
        Xt = torch.from_numpy(X)

        def torch_vg():
            h = Xt
            for k in range(0, len(tparams), 2):
                h = torch.tanh(h @ tparams[k] + tparams[k + 1])
            value = torch.sum(h)
            grads = torch.autograd.grad(value, tparams)
            return value.detach().numpy(), [g.numpy() for g in grads]

        return torch_vg
    raise ValueError(lib)


LABELS = {
    "numpy_keep": "numpy (hand, keeps all)",
    "numpy_free": "numpy (hand, frees)",
    "chainrule": "chainrule",
    "autograd": "autograd",
    "torch": "torch eager (CPU)",
}


def traced_peak(call: Callable[[], Any]) -> int:
    """Peak bytes traced by tracemalloc during one call (its result included)."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        result = call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del result
    return peak - base


# --- RSS in a child process ----------------------------------------------------------------
def _status(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


def child(lib: str) -> None:
    params, X = make_problem()
    call = make_call(lib, params, X)
    if call is None:
        print(json.dumps({"missing": True}))
        return
    # Initialise thread pools and lazy tables on a tiny problem, without big allocations.
    small_p, small_x = [(p[0][:8, :8].copy(), p[1][:8].copy()) for p in params[:2]], X[:4, :8]
    small = make_call(lib, small_p, small_x.copy())
    small()
    gc.collect()
    base = _status("VmRSS")
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset the peak RSS (VmHWM) to the current RSS
    t0 = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - t0
    peak = _status("VmHWM")
    value = float(np.asarray(result[0]))
    print(json.dumps({"peak": peak - base, "seconds": seconds, "value": value}))


def rss_peak(lib: str) -> dict[str, Any]:
    env = dict(os.environ, MALLOC_MMAP_THRESHOLD_="65536")
    proc = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--child", lib],
        capture_output=True, text=True, env=env, timeout=300,
    )
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="traced measurements only (no RSS)")
    p.add_argument("--no-rss", action="store_true", help="skip the child-process RSS column")
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        child(args.child)
        return
    header("bench_memory", f"peak memory of one value-and-gradient, {LAYERS} tanh layers of "
                           f"width {WIDTH}, batch {BATCH}, float32")
    params, X = make_problem()
    denom = denominator(params)
    print(f"parameters {fmt_bytes(sum(a.nbytes for a in flat(params))).strip()}, "
          f"saved activations {fmt_bytes(denom - sum(a.nbytes for a in flat(params))).strip()}, "
          f"denominator {fmt_bytes(denom).strip()}")
    want_v, want_g = numpy_keep(params, X)
    want = [want_v, *flat(want_g)]

    ok = True
    rows: dict[str, dict[str, Any]] = {}
    for lib in ("numpy_keep", "numpy_free", "chainrule", "autograd", "torch"):
        row: dict[str, Any] = {}
        rows[lib] = row
        if lib == "autograd" and optional("autograd") is None:
            row["note"] = "not installed"
            continue
        if lib == "torch":
            if optional("torch") is None:
                row["note"] = "not installed"
                continue
            row["note"] = "tracemalloc cannot see torch's allocator: RSS only"
        else:
            try:
                call = make_call(lib, params, X)
                v, g = call()  # warm-up, and the correctness check
                assert_close(lib, [v, *flat(g)], want, rtol=2e-3, rel_atol=2e-4)
                if any(np.dtype(a.dtype) != DTYPE for a in flat(g)):
                    raise AssertionError(f"{lib}: gradients are not float32")
                del v, g
                row["traced"] = traced_peak(call)
            except AssertionError:
                raise
            except Exception as e:  # noqa: BLE001  (chainrule ops may be missing)
                row["note"] = f"could not run: {type(e).__name__}: {e}"
                ok = False
                continue
        if not (args.quick or args.no_rss):
            res = rss_peak(lib)
            if "peak" in res:
                row["rss"] = res["peak"]
            elif "error" in res:
                row["note"] = (row.get("note", "") + f" RSS child failed: {res['error']}").strip()

    print()
    print(f"workload: value and gradient, {LAYERS} x tanh({WIDTH}), batch {BATCH}, float32; "
          "ratio = peak / (params + saved activations)")
    cols = f"{'traced peak':>12} {'ratio':>6}  {'RSS peak':>12} {'ratio':>6}"
    print(f"  {'library':<24} {cols}  note")
    print(f"  {'-' * 24} {'-' * 12} {'-' * 6}  {'-' * 12} {'-' * 6}  ----")
    for lib, row in rows.items():
        t = row.get("traced")
        r = row.get("rss")
        t_s = (fmt_bytes(t), f"{t / denom:6.2f}") if t is not None else ("-", "-")
        r_s = (fmt_bytes(r), f"{r / denom:6.2f}") if r is not None else ("-", "-")
        print(f"  {LABELS[lib]:<24} {t_s[0]:>12} {t_s[1]:>6}  {r_s[0]:>12} {r_s[1]:>6}  "
              f"{row.get('note', '')}")
    print()
    traced = rows["chainrule"].get("traced")
    verdict("memory", None if traced is None else traced / denom, 1.5,
            "chainrule traced peak / (params + saved activations) <= 1.5")
    exit_code(ok)


if __name__ == "__main__":
    main()
