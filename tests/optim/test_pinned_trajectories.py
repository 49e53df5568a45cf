"""The first 50 iterates of every named optimizer, pinned BIT FOR BIT.

The reference arrays in ``data/pinned_trajectories.npz`` were made by the optimizers as they
were before they became chains of small transformations (issue 11); any change in the order of
floating-point operations shows up here. Regenerate (only on purpose, and say why in the commit)
with

    PYTHONPATH=src python tests/optim/test_pinned_trajectories.py --regenerate

The problem: a pytree of two parameter groups, a 2-D Rosenbrock function plus a quadratic
``0.5 sum(C Q^2)``, with the gradient written out by hand (so the pins do not depend on
chainrule's differentiation). Every optimizer runs in float64, and again from float32
parameters.
"""

import sys
from pathlib import Path

import numpy as np
import pytest

from chainrule import optim

DATA = Path(__file__).parent / "data" / "pinned_trajectories.npz"
STEPS = 50
C = np.array([[1.0, 4.0], [0.5, 2.0]])


def start(dtype=np.float64):
    return {"rosen": np.array([-1.2, 1.0], dtype),
            "quad": np.array([[0.5, -1.0], [2.0, 0.3]], dtype)}


def grad(p):
    x, y = p["rosen"][0], p["rosen"][1]
    g_rosen = np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
                       dtype=p["rosen"].dtype)
    return {"rosen": g_rosen, "quad": (C * p["quad"]).astype(p["quad"].dtype)}


def sched(t):
    return 1e-3 * 0.97 ** t


def groups(tx_r, tx_q):
    return optim.multi_transform({"r": tx_r, "q": tx_q}, {"rosen": "r", "quad": "q"})


# name -> maker. Every optimizer plain, with weight decay, and with a schedule.
CASES = {
    "sgd": lambda: optim.sgd(1e-3),
    "sgd wd": lambda: optim.sgd(1e-3, weight_decay=0.1),
    "sgd sched": lambda: optim.sgd(sched),
    "momentum": lambda: optim.momentum(1e-3, 0.9),
    "momentum wd": lambda: optim.momentum(1e-3, 0.9, weight_decay=0.1),
    "momentum sched": lambda: optim.momentum(sched, 0.9),
    "momentum nesterov": lambda: optim.momentum(1e-3, 0.9, nesterov=True),
    "momentum nesterov wd": lambda: optim.momentum(1e-3, 0.9, nesterov=True, weight_decay=0.1),
    "momentum nesterov sched": lambda: optim.momentum(sched, 0.9, nesterov=True),
    # "nesterov*": the seed's lookahead form, which was nesterov() when these were pinned and
    # is nesterov_lookahead() now (same arithmetic). nesterov() itself now takes the ordinary
    # gradient and is pinned against the "momentum nesterov*" references below.
    "nesterov": lambda: optim.nesterov_lookahead(1e-3, 0.9),
    "nesterov wd": lambda: optim.nesterov_lookahead(1e-3, 0.9, weight_decay=0.1),
    "nesterov sched": lambda: optim.nesterov_lookahead(sched, 0.9),
    "adagrad": lambda: optim.adagrad(0.1),
    "adagrad torch": lambda: optim.adagrad(0.1, 1e-10, eps_inside_sqrt=False,
                                           initial_accumulator=0.1),
    "adagrad wd": lambda: optim.adagrad(0.1, weight_decay=0.1),
    "adagrad sched": lambda: optim.adagrad(lambda t: 0.1 / (1 + t)),
    "rmsprop": lambda: optim.rmsprop(1e-2),
    "rmsprop momentum": lambda: optim.rmsprop(1e-2, momentum=0.5),
    "rmsprop torch": lambda: optim.rmsprop(1e-2, 0.99, eps_inside_sqrt=False,
                                           initial_accumulator=0.1),
    "rmsprop wd": lambda: optim.rmsprop(1e-2, weight_decay=0.1),
    "rmsprop sched": lambda: optim.rmsprop(optim.exponential_decay(1e-2, 1e-2), momentum=0.5),
    "rmsprop_nesterov": lambda: optim.rmsprop_nesterov(1e-2),
    "rmsprop_nesterov wd": lambda: optim.rmsprop_nesterov(1e-2, 0.8, 0.5, weight_decay=0.1),
    "rmsprop_nesterov sched": lambda: optim.rmsprop_nesterov(
        optim.exponential_decay(1e-2, 1e-2), eps_inside_sqrt=False, initial_accumulator=0.1),
    "adadelta": lambda: optim.adadelta(),
    "adadelta wd": lambda: optim.adadelta(0.5, weight_decay=0.1),
    "adadelta sched": lambda: optim.adadelta(optim.exponential_decay(1.0, 1e-2)),
    "adam": lambda: optim.adam(1e-2),
    "adam torch": lambda: optim.adam(1e-2, 0.8, 0.95, eps_inside_sqrt=False),
    "adam wd": lambda: optim.adam(1e-2, weight_decay=0.1),
    "adam sched": lambda: optim.adam(optim.cosine_decay(1e-2, 40)),
    "adamw": lambda: optim.adamw(1e-2),
    "adamw torch": lambda: optim.adamw(1e-2, eps=1e-6, weight_decay=0.1, eps_inside_sqrt=False),
    "adamw sched": lambda: optim.adamw(optim.linear_warmup(optim.cosine_decay(1e-2, 40), 5)),
    # composed with the Optimizer face, parameter groups, clipping and averaging
    "groups": lambda: groups(optim.adam(1e-2), optim.momentum(1e-2, 0.5, weight_decay=0.1)),
    "groups lookahead": lambda: groups(optim.sgd(1e-3), optim.rmsprop_nesterov(1e-2)),
    "clip adam": lambda: optim.chain(optim.clip_global_norm(1.0), optim.adam(1e-2)),
    "clip value sgd": lambda: optim.chain(optim.clip_value(-2.0, 2.0), optim.sgd(1e-3)),
    "clip leaf momentum": lambda: optim.chain(optim.clip_leaf_norm(5.0),
                                              optim.momentum(1e-3, 0.9, nesterov=True)),
    "polyak": lambda: optim.chain(optim.clip_global_norm(10.0), optim.momentum(1e-3, 0.9),
                                  optim.polyak_averaging(0.9)),
    "polyak simple": lambda: optim.chain(optim.adagrad(0.1), optim.polyak_averaging()),
    "polyak recursive": lambda: optim.chain(optim.rmsprop(1e-2),
                                            optim.polyak_averaging(0.8, formula="recursive")),
}
AVERAGED = ("polyak", "polyak simple", "polyak recursive")
DTYPES = {"f64": np.float64, "f32": np.float32}


def trajectory(make, dtype):
    """Every iterate (and the Polyak average where there is one), flattened leaf by leaf:
    an array of shape (STEPS, n)."""
    opt, p, rows = optim.Optimizer(make()), start(dtype), []
    for _ in range(STEPS):
        p = opt.step(p, grad)  # a gradient function: taken at the lookahead point if any
        row = [p["rosen"].ravel(), p["quad"].ravel()]
        if any(isinstance(s, optim.AverageState) for s in _states(opt.state)):
            avg = opt.averaged_params()
            row += [avg["rosen"].ravel(), avg["quad"].ravel()]
        rows.append(np.concatenate(row))
    return np.stack(rows)


def _states(state):
    if isinstance(state, tuple) and not hasattr(state, "_fields"):
        for s in state:
            yield from _states(s)
    else:
        yield state


def key(name, dtype_name):
    return f"{name}|{dtype_name}"


def compute_all():
    return {key(name, d): trajectory(make, dtype)
            for name, make in CASES.items() for d, dtype in DTYPES.items()}


@pytest.fixture(scope="module")
def reference():
    with np.load(DATA) as data:
        return {k: data[k] for k in data.files}


@pytest.mark.parametrize("dtype_name", DTYPES)
@pytest.mark.parametrize("name", CASES)
def test_trajectory_is_bit_identical(name, dtype_name, reference):
    got = trajectory(CASES[name], DTYPES[dtype_name])
    want = reference[key(name, dtype_name)]
    assert got.dtype == want.dtype and got.shape == want.shape
    assert np.all(np.isfinite(want))
    bad = np.flatnonzero(~(got == want).all(axis=1))
    assert bad.size == 0, f"{name} ({dtype_name}) first differs at step {bad[0] + 1}: " \
        f"{got[bad[0]]} != {want[bad[0]]}"
    assert np.array_equal(got, want)


# Makers checked against another case's reference (the same arithmetic, built differently).
SAME_AS = {
    "nesterov (default form)": (lambda: optim.nesterov(1e-3, 0.9), "momentum nesterov"),
    "nesterov (default form) wd": (lambda: optim.nesterov(1e-3, 0.9, weight_decay=0.1),
                                   "momentum nesterov wd"),
    "nesterov (default form) sched": (lambda: optim.nesterov(sched, 0.9),
                                      "momentum nesterov sched"),
    "sgd from parts": (lambda: optim.chain(optim.check_finite(), optim.add_decayed_weights(0.1),
                                           optim.scale_by_learning_rate(1e-3)), "sgd wd"),
    "adamw from parts": (lambda: optim.chain(
        optim.scale_by_adam(learning_rate=1e-2), optim.decoupled_weight_decay(1e-2, 1e-2)),
        "adamw"),
}


@pytest.mark.parametrize("dtype_name", DTYPES)
@pytest.mark.parametrize("name", SAME_AS)
def test_same_arithmetic_gives_the_same_bits(name, dtype_name, reference):
    make, ref = SAME_AS[name]
    assert np.array_equal(trajectory(make, DTYPES[dtype_name]), reference[key(ref, dtype_name)])


def test_every_reference_is_checked(reference):
    assert set(reference) == {key(n, d) for n in CASES for d in DTYPES}


if __name__ == "__main__":
    if "--regenerate" not in sys.argv:
        sys.exit("pass --regenerate to overwrite " + str(DATA))
    arrays = compute_all()
    for k, a in arrays.items():
        assert np.all(np.isfinite(a)), k
    DATA.parent.mkdir(exist_ok=True)
    np.savez_compressed(DATA, **arrays)
    print(f"wrote {len(arrays)} trajectories to {DATA}")
