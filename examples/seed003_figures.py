"""Seed 003's figures, recomputed: the numbers behind each picture of `chainrule figures`.

Checks, without drawing: Figure 3.9 (one step to the centre of x^2 + y^2, a 16-step zig-zag on
x^2 + 4y^2), Figure 3.10 (the largest derivative of sigmoid is 0.25, of tanh 1), Figure 3.11
(momentum against gradient descent at the same step), Figure 3.13 (one unclipped step off the
cliff jumps more than 11 units, clipped steps stay within 1), Figure 3.17(b) (Newton lands on the
saddle of x^2 - y^2) and section 3.4's vanishing gradient (10 sigmoid layers: the first layer's
gradient is under 1e-2 of the last one's). With matplotlib installed and a folder given,
`python examples/seed003_figures.py OUT` also writes every figure and table into OUT.

Run:  python examples/seed003_figures.py [OUT]
"""

import sys

import numpy as np

from chainrule import figures
from chainrule.diagnose import gradient_profiles


def check(ok: bool, what: str) -> None:
    if not ok:
        raise SystemExit(f"check failed: {what}")


def main() -> None:
    bowls = figures.bowl_runs()
    print(f"Figure 3.9:  x^2 + y^2  -> {bowls['circle'].steps_to_target} step;   "
          f"x^2 + 4y^2 -> {bowls['ellipse'].steps_to_target} steps (zig-zag)")
    check(bowls["circle"].steps_to_target == 1, "one step on the circular bowl")
    check(bowls["ellipse"].steps_to_target == 16, "16 steps on the elliptical bowl")

    curves = figures.activation_derivatives()
    slopes = {name: float(np.max(d)) for name, (_, _, d) in curves.items()}
    print("Figure 3.10: largest derivative " + ", ".join(f"{k} {v:.3g}" for k, v in slopes.items()))
    check(abs(slopes["sigmoid"] - 0.25) < 1e-3 and abs(slopes["tanh"] - 1) < 1e-3, "3.10 maxima")

    same = figures.momentum_runs()["same_rate"]
    print(f"Figure 3.11: same step 0.24: gradient descent {same['gd'].steps_to_target} steps, "
          f"momentum {same['momentum'].steps_to_target} steps")
    check(same["gd"].steps_to_target > 5 * same["momentum"].steps_to_target, "momentum wins")

    cliff = figures.cliff_runs()
    longest = float(cliff["plain"].step_lengths.max())
    clipped = float(cliff["clipped"].step_lengths.max())
    print(f"Figure 3.13: longest step without clipping {longest:.1f}, with clipping {clipped:.2f}")
    check(longest > 11 and clipped <= 1 + 1e-12, "the cliff")

    newton = figures.saddle_runs()["newton"]
    print(f"Figure 3.17: Newton from {newton.points[0].tolist()} lands on "
          f"{newton.final.tolist()}")
    check(np.allclose(newton.final, 0.0), "Newton jumps to the saddle")

    ratios = {k: r.first_to_last for k, r in gradient_profiles().items()}
    print("Section 3.4: first/last layer gradient at initialization, 10 layers: " +
          ", ".join(f"{k} {v:.1e}" for k, v in ratios.items()))
    check(ratios["sigmoid"] < 1e-2 < ratios["relu"], "vanishing gradients with sigmoid only")

    if len(sys.argv) > 1:
        written = figures.write_figures(sys.argv[1])
        print(f"wrote {len(written)} files into {sys.argv[1]} (see index.md)")
    print("All checks passed.")


if __name__ == "__main__":
    main()
