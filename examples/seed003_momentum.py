"""Seed 003, sections 3.4.1 and 3.5.2 (Figures 3.9 and 3.11): gradient descent zigzags, momentum
smooths it out.

On the circular bowl L = x^2 + y^2 the gradient points at the minimum, and one step of the
right size (0.5) reaches it (Figure 3.9a). On the elliptical bowl L = x^2 + 4y^2 (Figure
3.9b) it does not: with a large learning rate the steps along y overshoot back and forth
(each multiplies y by 1 - 8 lr = -0.92) while x creeps in. Momentum,
V <- beta V - lr dL/dW; W <- W + V, averages the contradictory steps away (Figure 3.11) and
reaches the minimum in far fewer steps. Counts are the steps until L < 1e-6 from (4, 1).

Run:  python examples/seed003_momentum.py [--plot trajectories.png]
(the picture needs matplotlib; the numbers are checked either way)
"""

import argparse

import numpy as np

import chainrule as cr
from chainrule import optim
from chainrule.files import write_atomically

START, TOL, LR, BETA = np.array([4.0, 1.0]), 1e-6, 0.24, 0.5


def bowl(w):
    return w[0] ** 2 + w[1] ** 2


def ellipse(w):
    return w[0] ** 2 + 4 * w[1] ** 2


def descend(loss, transformation, start=START, max_steps=1000):
    """Run an ``optim`` transformation until ``loss < TOL``; return the visited points."""
    opt, w, path = optim.Optimizer(transformation), start.copy(), [start.copy()]
    while float(loss(w)) >= TOL and len(path) <= max_steps:
        w = opt.step(w, cr.grad(loss))
        path.append(w)
    return np.array(path)


def steps_by_hand(beta):
    """The same count from the update rule written out with the gradient (2x, 8y)."""
    w, V, steps = START.copy(), np.zeros(2), 0
    while w[0] ** 2 + 4 * w[1] ** 2 >= TOL:
        V = beta * V - LR * np.array([2 * w[0], 8 * w[1]])
        w, steps = w + V, steps + 1
    return steps


def plot(gd, mom, path):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8.0, 3.6), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    xs, ys = np.meshgrid(np.linspace(-4.5, 4.5, 200), np.linspace(-1.5, 1.5, 120))
    ax.contour(xs, ys, xs ** 2 + 4 * ys ** 2, levels=12, colors="0.75", linewidths=0.8)
    ax.plot(gd[:, 0], gd[:, 1], "o-", ms=3, lw=1, color="tab:red",
            label=f"gradient descent ({len(gd) - 1} steps)")
    ax.plot(mom[:, 0], mom[:, 1], "o-", ms=3, lw=1, color="tab:blue",
            label=f"momentum beta = {BETA} ({len(mom) - 1} steps)")
    ax.set(title=f"L = x^2 + 4y^2, learning rate {LR} (seed 003, Figures 3.9b / 3.11)",
           xlabel="x", ylabel="y")
    ax.set_aspect("equal")  # so that the contours are the ellipses they are
    ax.legend(loc="lower left", fontsize="small")
    fig.tight_layout()
    write_atomically(path, lambda f: fig.savefig(f, format="png"), binary=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", metavar="FILE.png", help="draw both paths (needs matplotlib)")
    args = parser.parse_args()

    one = descend(bowl, optim.sgd(0.5))
    print(f"circular bowl x^2 + y^2, lr 0.5: {len(one) - 1} step, from {START.tolist()} to "
          f"{one[-1].tolist()}")
    if len(one) - 1 != 1 or not np.array_equal(one[-1], [0.0, 0.0]):
        raise SystemExit("the circular bowl should be solved in one step of size 0.5")

    gd = descend(ellipse, optim.sgd(LR))
    mom = descend(ellipse, optim.momentum(LR, beta=BETA))
    flips = int(np.sum(np.sign(gd[1:11, 1]) != np.sign(gd[:10, 1])))
    print(f"elliptical bowl x^2 + 4y^2, lr {LR}, from {START.tolist()} to L < {TOL:g}:")
    print(f"  gradient descent      {len(gd) - 1:>3} steps  (y changes sign in {flips} of the "
          "first 10 steps)")
    print(f"  momentum (beta {BETA})   {len(mom) - 1:>3} steps")
    print(f"  y after 5 steps: gradient descent {np.round(gd[1:6, 1], 3).tolist()}")
    print(f"                   momentum         {np.round(mom[1:6, 1], 3).tolist()}")
    expected = {"gradient descent": (len(gd) - 1, steps_by_hand(0.0), 92),
                "momentum": (len(mom) - 1, steps_by_hand(BETA), 24)}
    for name, (ours, hand, known) in expected.items():
        if not ours == hand == known:
            raise SystemExit(f"{name}: {ours} steps with chainrule.optim, {hand} by hand, "
                             f"expected {known}")
    np.testing.assert_allclose(gd[1:, 1], START[1] * (1 - 8 * LR) ** np.arange(1, len(gd)),
                               rtol=1e-12)  # GD on y alone: y_t = (1 - 8 lr)^t y_0
    if flips != 10:
        raise SystemExit(f"gradient descent should zigzag in y at every step, saw {flips}/10")

    if args.plot:
        try:
            plot(gd, mom, args.plot)
            print(f"wrote {args.plot}")
        except ImportError:
            print("matplotlib is not installed: no picture (pip install 'chainrule[plots]')")
    print("All checks passed.")


if __name__ == "__main__":
    main()
