"""Every second-order method's iterates, losses and evaluation counts, pinned BIT FOR BIT.

The references in ``data/second_order_pinned.npz`` were made by the methods as they were
before BFGS, L-BFGS, nonlinear CG, Newton and Hessian-free came to share one iteration
(``descent.py``) and the line searches one signature (issue 11); any change in the order of
floating-point operations, a trial step or a count shows up here. Regenerate (only on purpose,
and say why in the commit) with

    PYTHONPATH=src python tests/optim/test_second_order_pinned.py --regenerate

Each case runs one method with one set of options on four small problems (Rosenbrock in 2 and
10 dimensions, an ill-conditioned quadratic, Beale's function) for at most ``MAXITER``
iterations, and records at every iteration the point, the loss and ``nfev, njev, nhev``, then
the final counts, status and message. The gradients come from chainrule's differentiation,
which these pins therefore also cover.
"""

import sys
from pathlib import Path

import numpy as np
import pytest

from chainrule.optim.second_order import minimize

DATA = Path(__file__).parent / "data" / "second_order_pinned.npz"
MAXITER = 120
_M = np.array([[4.0, 1.0, 0.0, 0.5], [1.0, 3.0, 0.2, 0.0], [0.0, 0.2, 0.1, 0.05],
               [0.5, 0.0, 0.05, 50.0]])
_B = np.array([1.0, -2.0, 0.5, 3.0])


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def quadratic(x):
    return 0.5 * x @ _M @ x - _B @ x


def beale(x):
    a, b = x[0], x[1]
    return (1.5 - a + a * b) ** 2 + (2.25 - a + a * b**2) ** 2 + (2.625 - a + a * b**3) ** 2


PROBLEMS = {
    "rosenbrock 2-D": (rosenbrock, np.array([-1.2, 1.0])),
    "rosenbrock 10-D": (rosenbrock, np.full(10, -1.2)),
    "quadratic": (quadratic, np.array([3.0, -1.0, 2.0, 1.0])),
    "beale": (beale, np.array([1.0, 1.0])),
}

# name -> (method, options): every method's defaults and the other paths through its loop
CASES = {
    "bfgs": ("bfgs", {}),
    "bfgs more-thuente": ("bfgs", {"line_search": "more-thuente", "initial_step": "decrease",
                                   "scale_identity": False}),
    "lbfgs": ("lbfgs", {}),
    "lbfgs more-thuente": ("lbfgs", {"history": 3, "line_search": "more-thuente",
                                     "initial_step": "unit", "c2": 0.9}),
    "cg": ("cg", {}),
    "cg pr+ bracketing": ("cg", {"beta": "pr+", "line_search": "bracketing",
                                 "initial_step": "decrease", "c2": 0.4}),
    "cg restarts": ("cg", {"beta": "fr-pr", "restart": 3, "powell_restart": 0.2}),
    "cg descent": ("cg", {"beta": "hz", "line_search": "hager-zhang",
                          "initial_step": "hager-zhang", "c1": 0.1, "c2": 0.9}),
    "newton": ("newton", {}),
    "newton damped": ("newton", {"damping": 1.0, "c2": 0.5}),
    "hessian-free": ("hessian-free", {}),
    "hessian-free warm": ("hessian-free", {"damping": 0.1, "warm_start": 0.95,
                                           "progress_tol": None, "cg_maxiter": 3}),
}


def record(method, options, fun, x0):
    """The run's arrays: iterates ``x`` (k x n), losses ``f`` (k), counts (k x 3: nfev, njev,
    nhev) after each iteration, and ``final`` (nit, nfev, njev, nhev, status) with the
    ``message`` and the final ``x``."""
    xs, fs, counts = [], [], []

    def callback(r):
        xs.append(np.asarray(r.x, dtype=np.float64).copy())
        fs.append(r.fun)
        counts.append((r.nfev, r.njev, r.nhev))

    res = minimize(fun, x0, method=method, maxiter=MAXITER, callback=callback, options=options)
    n = x0.size
    return {
        "x": np.array(xs, dtype=np.float64).reshape(-1, n),
        "f": np.array(fs, dtype=np.float64),
        "counts": np.array(counts, dtype=np.int64).reshape(-1, 3),
        "final": np.array([res.nit, res.nfev, res.njev, res.nhev, res.status], dtype=np.int64),
        "final_x": np.asarray(res.x, dtype=np.float64),
        "final_f": np.array(res.fun, dtype=np.float64),
        "message": np.array(res.message),
    }


def compute_all():
    out = {}
    for case, (method, options) in CASES.items():
        for problem, (fun, x0) in PROBLEMS.items():
            for name, value in record(method, options, fun, x0).items():
                out[f"{case}|{problem}|{name}"] = value
    return out


@pytest.fixture(scope="module")
def reference():
    if not DATA.exists():
        pytest.fail(f"{DATA} is missing; regenerate it (see this module's docstring)")
    with np.load(DATA) as data:
        return {k: data[k] for k in data.files}


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
@pytest.mark.parametrize("case", sorted(CASES))
def test_trajectory_is_unchanged_bit_for_bit(reference, case, problem):
    method, options = CASES[case]
    fun, x0 = PROBLEMS[problem]
    now = record(method, options, fun, x0)
    for name, value in now.items():
        pinned = reference[f"{case}|{problem}|{name}"]
        if name == "message":
            assert str(value) == str(pinned), f"{case} on {problem}: message changed"
            continue
        assert _same_bits(value, pinned), (
            f"{case} on {problem}: {name} changed; first rows now {value[:3]!r}, pinned "
            f"{pinned[:3]!r}"
        )


def test_the_pins_cover_long_runs_and_every_ending():
    """The pinned runs are not trivial: most converge after many iterations, and some end on
    maxiter, so both the loop and its endings are pinned."""
    with np.load(DATA) as data:
        finals = [data[k] for k in data.files if k.endswith("|final")]
    statuses = {int(f[4]) for f in finals}
    assert 0 in statuses and 1 in statuses
    assert sum(int(f[0]) >= 20 for f in finals) >= 15


if __name__ == "__main__" and "--regenerate" in sys.argv[1:]:
    arrays = compute_all()
    np.savez_compressed(DATA, **arrays)
    print(f"wrote {len(arrays)} arrays to {DATA}")
