"""Issue 13: cr.jit against hand-written NumPy (1.00) and eager chainrule, one process, medians.

Workloads are those of the other scripts, compiled unchanged: seed 004's tiny graph
(bench_tiny_graph.py), 1,000 elementwise ops on a 16-vector (bench_elementwise_chain.py), the
64-128-10 and 784-1024-1024-10 MLPs (mlp.py), the Hessian-vector product of a 784-256-256-10 MLP
(bench_hvp.py); plus the first call of the small MLP (tracing twice and building the program).
Every compiled result is checked against the hand-written one before timing.
Targets: tiny graph <= 1.5x, elementwise chain <= 1.2x, small MLP <= 1.15x, large MLP <= 1.02x,
HVP <= 1.05x, first call <= 20 ms, peak memory no higher than eager; and fit on digits
(64-128-10, 20 epochs) with the compiled step <= 0.5x the eager fit's wall time.
Run: .venv/bin/python benchmarks/jit.py [--quick]
"""

from __future__ import annotations

import time

import bench_elementwise_chain as chain
import bench_hvp as hvp
import bench_tiny_graph as tiny
import mlp
import numpy as np
from common import Table, assert_close, exit_code, flat, header, optional, parse_args, verdict

import chainrule as cr


def compare(title: str, hand, eager, compiled, check, budget: float, baseline: str,
            scale: float = 1.0, torch_rows: list | None = None) -> float | None:
    """Time hand, eager and compiled (and PyTorch's rows, timed in their own phase); returns
    compiled / hand."""
    check(eager())
    check(compiled())
    table = Table(title)
    table.add(baseline, hand)
    table.add("chainrule eager", eager)
    table.add("chainrule cr.jit", compiled)
    for label, fn in torch_rows or []:
        table.add(label, fn, own_threads=True)
    table.measure(budget, scale=scale)
    table.print(baseline=baseline)
    hand_t, jit_t = table.value(baseline), table.value("chainrule cr.jit")
    return None if not hand_t or jit_t is None else jit_t / hand_t


def torch_rows(loss, tensors: list, check) -> list:
    """PyTorch eager and ``torch.compile`` rows for the value and gradient of ``loss`` (a
    function of the tensors that need gradients), when PyTorch is installed; each result is
    checked first. ``torch.compile`` compiles the loss; its backward comes from AOTAutograd."""
    torch = optional("torch")
    if torch is None:
        return []
    leaves = [torch.from_numpy(np.array(t)).requires_grad_() for t in tensors]

    def value_and_grad(f):
        def run():
            value = f(*leaves)
            return value.detach().numpy(), [g.numpy() for g in torch.autograd.grad(value,
                                                                                   leaves)]
        return run

    rows = [("torch eager (CPU)", value_and_grad(loss))]
    try:
        compiled = value_and_grad(torch.compile(loss))
        compiled()  # the compilation (tens of seconds) is not timed
        rows.append(("torch.compile (CPU)", compiled))
    except Exception as error:  # noqa: BLE001  (no C compiler, an unsupported platform)
        print(f"torch.compile: could not run here ({type(error).__name__}: {error})")
    for _, run in rows:
        check(run())
    return rows


def jax_rows(loss, arrays: list, check) -> list:
    """A ``jax.jit(jax.value_and_grad(loss))`` row (with respect to every argument), on JAX's
    CPU arrays in the arrays' dtype, when JAX is installed; checked first, compiled untimed."""
    jax = optional("jax")
    if jax is None:
        return []
    jax.config.update("jax_enable_x64", True)  # float64 problems stay float64
    device = [jax.numpy.asarray(a) for a in arrays]
    compiled = jax.jit(jax.value_and_grad(loss, argnums=tuple(range(len(arrays)))))

    def run():
        value, grads = compiled(*device)
        value.block_until_ready()
        return np.asarray(value), [np.asarray(g) for g in grads]

    check(run())
    return [("jax.jit (CPU)", run)]


def tiny_graph(budget: float) -> bool:
    want = tiny.numpy_value_and_grad(tiny.W0)
    eager = cr.value_and_grad(tiny.loss)
    compiled = cr.jit(eager)
    def check(got):
        assert_close("tiny graph", flat(got), flat(want), rtol=1e-12, atol=1e-14)

    def jax_tiny_loss(w):
        import jax.numpy as jnp

        return jnp.sum((tiny.C - 1 / (1 + jnp.exp(-(tiny.X @ w)))) ** 2)

    def torch_loss(w):
        import torch

        X, C = torch.from_numpy(tiny.X), torch.from_numpy(tiny.C)
        return torch.sum((C - 1 / (1 + torch.exp(-(X @ w)))) ** 2)

    ratio = compare("seed 004 tiny graph, value and gradient", lambda: tiny.numpy_value_and_grad(
        tiny.W0), lambda: eager(tiny.W0), lambda: compiled(tiny.W0), check, budget,
        "numpy (hand)", torch_rows=torch_rows(torch_loss, [tiny.W0], check)
        + jax_rows(jax_tiny_loss, [tiny.W0], check))
    return verdict("jit_tiny_graph", ratio, 1.5, "cr.jit time / hand NumPy time <= 1.5")


def elementwise(budget: float) -> bool:
    x = np.linspace(-1.0, 1.0, chain.N)
    want = chain.numpy_value_and_grad(x)
    eager = cr.value_and_grad(chain.chain)
    compiled = cr.jit(eager)
    ratio = compare(f"{chain.OPS} elementwise ops on a {chain.N}-vector, value and gradient",
                    lambda: chain.numpy_value_and_grad(x), lambda: eager(x), lambda: compiled(x),
                    lambda got: assert_close("chain", got, want, rtol=1e-10, atol=1e-12),
                    budget, "numpy (hand)")
    return verdict("jit_elementwise_chain", ratio, 1.2, "cr.jit time / hand NumPy time <= 1.2")


def mlp_case(name: str, sizes: list[int], batch: int, dtype, target: float,
             budget: float) -> bool:
    params, X, Y = mlp.make_problem(sizes, batch, dtype)
    want = mlp.numpy_value_and_grad(params, X, Y)
    eager = cr.value_and_grad(mlp.loss)
    compiled = cr.jit(eager)
    rtol = 1e-10 if dtype == np.float64 else 1e-4

    def check(got):
        assert_close(name, flat(got), flat(want), rtol=rtol, rel_atol=rtol)

    def torch_loss(*tensors):
        import torch

        h, Xt, Yt = torch.from_numpy(X), torch.from_numpy(X), torch.from_numpy(Y)
        for i in range(0, len(tensors) - 2, 2):
            h = torch.relu(h @ tensors[i] + tensors[i + 1])
        logits = h @ tensors[-2] + tensors[-1]
        z = logits - torch.amax(logits, dim=1, keepdim=True)
        logp = z - torch.log(torch.sum(torch.exp(z), dim=1, keepdim=True))
        return -torch.sum(Yt * logp) / Xt.shape[0]

    def jax_loss(*arrays):
        import jax.numpy as jnp

        h = X
        for i in range(0, len(arrays) - 2, 2):
            h = jnp.maximum(h @ arrays[i] + arrays[i + 1], 0)
        logits = h @ arrays[-2] + arrays[-1]
        z = logits - jnp.max(logits, axis=1, keepdims=True)
        return -jnp.sum(Y * (z - jnp.log(jnp.sum(jnp.exp(z), axis=1, keepdims=True)))) / len(X)

    leaves = [a for wb in params for a in wb]
    rows = torch_rows(torch_loss, leaves, check) + jax_rows(jax_loss, leaves, check)
    ratio = compare(f"MLP {'-'.join(map(str, sizes))}, batch {batch}, {np.dtype(dtype).name}, "
                    "value and gradient", lambda: mlp.numpy_value_and_grad(params, X, Y),
                    lambda: eager(params, X, Y), lambda: compiled(params, X, Y), check,
                    budget, "numpy (hand)", torch_rows=rows)
    return verdict(f"jit_{name}", ratio, target,
                   f"cr.jit time / hand NumPy time <= {target}")


def hvp_case(budget: float) -> bool:
    params, vec, X, Y = hvp.make_problem()
    want = flat(hvp.numpy_hvp(params, vec, X, Y))

    def product(p, v):
        return cr.hvp(lambda q: hvp.loss(q, X, Y), (p,), (v,))[0]

    compiled = cr.jit(product)
    ratio = compare(f"H v, MLP {'-'.join(map(str, hvp.SIZES))}, batch {hvp.BATCH}, float64",
                    lambda: hvp.numpy_hvp(params, vec, X, Y), lambda: product(params, vec),
                    lambda: compiled(params, vec),
                    lambda got: assert_close("hvp", flat(got), want, rtol=1e-8,
                                             rel_atol=1e-8), budget, "numpy (hand R-op)")
    return verdict("jit_hvp", ratio, 1.05, "cr.jit time / hand R-op time <= 1.05")


def first_call() -> bool:
    params, X, Y = mlp.make_problem([64, 128, 10], 64, np.float64)
    times = []
    for _ in range(7):
        compiled = cr.jit(cr.value_and_grad(mlp.loss))
        start = time.perf_counter()
        compiled(params, X, Y)
        times.append(time.perf_counter() - start)
    ms = float(np.median(times)) * 1e3
    program = compiled.lower(params, X, Y)
    print(f"first call of the small MLP (trace twice, check, build): median {ms:.1f} ms over "
          f"7 fresh functions; {len(program.instructions)} operations in the program, "
          f"{program.recorded - len(program.instructions)} dropped\n")
    return verdict("jit_first_call", ms, 20.0, "first call of the small MLP in ms <= 20")


def memory() -> bool:
    """Peak memory of one value and gradient through bench_memory.py's 40 tanh layers (traced,
    result included), compiled against eager: a program releases each value after its last
    use and writes into dying temporaries, so it must peak no higher."""
    import bench_memory as mem

    params, X = mem.make_problem()
    eager = cr.value_and_grad(mem.loss)
    compiled = cr.jit(eager)
    assert_close("memory problem", flat(compiled(params, X)), flat(eager(params, X)),
                 rtol=1e-5, rel_atol=1e-5)
    peaks = {name: mem.traced_peak(lambda f=f: f(params, X))
             for name, f in (("eager", eager), ("cr.jit", compiled))}
    scale = mem.denominator(params)
    print(f"peak memory of one value and gradient, {mem.LAYERS} tanh layers of "
          f"{mem.WIDTH}, batch {mem.BATCH}, float32 (traced, / parameters + saved activations): "
          f"eager {peaks['eager'] / scale:.3f}, cr.jit {peaks['cr.jit'] / scale:.3f}\n")
    return verdict("jit_peak_memory", peaks["cr.jit"] / peaks["eager"], 1.0,
                   "cr.jit peak memory / eager peak memory <= 1.0")


def hand_training(X: np.ndarray, y: np.ndarray, params: list[np.ndarray], epochs: int,
                  batch_size: int, lr: float = 1e-3) -> list[np.ndarray]:
    """What an expert writes by hand for fit's run: the same batches (fit's BatchIterator), the
    64-128-10 ReLU MLP's forward and backward pass with the softmax cross-entropy gradient
    simplified to (p - onehot) / n, Adam as chainrule's default (the seed's eq. 3.44-3.46, eps
    inside the square root) updated in place, the per-epoch mean loss and accuracy."""
    from chainrule.data import BatchIterator

    W0, b0, W1, b1 = (p.copy() for p in params)
    first = [np.zeros_like(p) for p in (W0, b0, W1, b1)]
    second = [np.zeros_like(p) for p in (W0, b0, W1, b1)]
    iterator = BatchIterator(X, y, batch_size=batch_size, shuffle=True, seed=0)
    t = 0
    for _ in range(epochs):
        total, count, outputs, targets = 0.0, 0, [], []
        for xb, yb in iterator:
            n = len(xb)
            pre = xb @ W0 + b0
            h = np.maximum(pre, 0.0)
            logits = h @ W1 + b1
            z = logits - logits.max(axis=1, keepdims=True)
            e = np.exp(z)
            s = e.sum(axis=1, keepdims=True)
            rows = np.arange(n)
            value = float(np.mean(np.log(s[:, 0]) - z[rows, yb]))
            d = e / s
            d[rows, yb] -= 1.0
            d /= n
            dh = (d @ W1.T) * (pre > 0)
            grads = (xb.T @ dh, dh.sum(axis=0), h.T @ d, d.sum(axis=0))
            t += 1
            scale = lr * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
            for p, g, f, a in zip((W0, b0, W1, b1), grads, first, second, strict=True):
                f *= 0.9
                f += 0.1 * g
                a *= 0.999
                a += 0.001 * g * g
                p -= scale * f / np.sqrt(a + 1e-8)
            total, count = total + value * n, count + n
            outputs.append(logits)
            targets.append(yb)
        out_all, y_all = np.concatenate(outputs), np.concatenate(targets)
        _ = (total / count, float(np.mean(out_all.argmax(axis=1) == y_all)))
    return [W0, b0, W1, b1]


def digits_training() -> bool:
    """Wall time of fit on digits, 64-128-10 ReLU MLP, Adam, batch 64, 20 epochs: the compiled
    step against eager fit (median of 3 alternating runs each; equal parameters checked), and
    against a hand-written NumPy loop doing the same work (the floor a program of NumPy calls
    can reach; its parameters agree to rounding)."""
    from chainrule import nn, optim
    from chainrule.data import Standardizer, load_digits
    from chainrule.train import fit

    X, y = load_digits()
    X = Standardizer().fit_transform(X)

    def net():
        return nn.Sequential(nn.Linear(64, 128, rng=0), nn.ReLU(), nn.Linear(128, 10, rng=1))

    def train(jit: bool) -> tuple[float, list]:
        model = net()
        start = time.perf_counter()
        fit(model, nn.softmax_cross_entropy, (X, y), optim.adam(1e-3), epochs=20, batch_size=64,
            jit=jit)
        return time.perf_counter() - start, model.parameters()

    def by_hand() -> tuple[float, list]:
        initial = net().parameters()
        start = time.perf_counter()
        params = hand_training(X, y, initial, 20, 64)
        return time.perf_counter() - start, params

    times: dict[str, list[float]] = {"jit": [], "eager": [], "hand": []}
    for _ in range(3):
        plain_seconds, eager = train(False)
        compiled_seconds, params = train(True)
        hand_seconds, hand = by_hand()
        times["eager"].append(plain_seconds)
        times["jit"].append(compiled_seconds)
        times["hand"].append(hand_seconds)
        assert all(np.array_equal(a, b) for a, b in zip(params, eager, strict=True))
        assert_close("digits, hand loop", flat(hand), flat(params), rtol=1e-6, rel_atol=1e-6)
    compiled, plain, hand_time = (float(np.median(times[k])) for k in ("jit", "eager", "hand"))
    print(f"digits 64-128-10, Adam, batch 64, 20 epochs: fit eager {plain:.3f} s, fit with the "
          f"compiled step {compiled:.3f} s (the same parameters bit for bit), hand-written "
          f"NumPy loop {hand_time:.3f} s (the same parameters to rounding); median of 3\n")
    ok = verdict("jit_digits_training", compiled / plain, 0.5,
                 "fit wall time compiled / eager <= 0.5")
    verdict("jit_digits_training_vs_hand", compiled / hand_time, 1.5,
            "proposed: fit wall time compiled / hand-written NumPy loop <= 1.5")
    return ok


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    header("jit", "cr.jit: compiled value and gradient against hand-written NumPy and eager")
    budget = 0.3 if args.quick else 2.0
    [tiny_graph(budget), elementwise(budget),
          mlp_case("mlp_small", [64, 128, 10], 64, np.float64, 1.15, budget),
          mlp_case("mlp_large", [784, 1024, 1024, 10], 256, np.float32, 1.02, budget),
          hvp_case(budget), first_call(), memory(), digits_training()]
    exit_code(True)  # a MISS is a measurement; a wrong result has raised above


if __name__ == "__main__":
    main()
