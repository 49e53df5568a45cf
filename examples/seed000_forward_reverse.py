"""Seed 000, "Forward mode" and "Reverse mode": y1 = sin(w1 x + w0), y2 = cos(w1 x + w0).

One forward pass with the tangent of w1 set to 1 gives dy1/dw1 and dy2/dw1 together (the
dot-a column of the seed's table); one backward pass seeded with (bar y1, bar y2) = (0, 1)
gives dy2/dw0, dy2/dw1 and dy2/dx together (the bar-a column). ``cr.explain.trace`` prints
both columns; ``cr.jvp`` and ``cr.vjp`` are what you would call in your own code.

Run:  python examples/seed000_forward_reverse.py
"""

import numpy as np

import chainrule as cr


def outputs(w0, w1, x):
    a5 = w1 * x + w0  # a4 = a2 * a3, a5 = a4 + a1
    return np.sin(a5), np.cos(a5)  # a6, a7


def main() -> None:
    w0, w1, x = 0.5, 1.2, 2.0
    a5 = w1 * x + w0
    print(f"y1 = sin(w1 x + w0), y2 = cos(w1 x + w0) at w0 = {w0}, w1 = {w1}, x = {x}\n")

    table = cr.explain.trace(outputs, w0, w1, x, wrt="w1", cotangent=(0.0, 1.0))
    table.show(digits=4)
    print("the seed's names: a1 = w0 (v0), a2 = w1 (v-1), a3 = x (v-2), a4 = v1, a5 = v2,\n"
          "                  a6 = y1 (v3), a7 = y2 (v4)\n")

    # Forward mode: the tangent column is d(row)/dw1; the seed's last two rows.
    np.testing.assert_allclose(table.row("v3").tangent, x * np.cos(a5), rtol=1e-14)
    np.testing.assert_allclose(table.row("v4").tangent, -x * np.sin(a5), rtol=1e-14)
    # Reverse mode: the adjoint column is d y2 / d(row).
    expected_adjoints = {"v3": 0.0, "v4": 1.0, "v2": -np.sin(a5), "v1": -np.sin(a5),
                         "w0": -np.sin(a5), "w1": -x * np.sin(a5), "x": -w1 * np.sin(a5)}
    for name, value in expected_adjoints.items():
        np.testing.assert_allclose(table.row(name).adjoint, value, rtol=1e-14,
                                   err_msg=f"adjoint of {name}")

    # The same numbers from the transformations you would use in your own code.
    (y1, y2), (dy1_dw1, dy2_dw1) = cr.jvp(outputs, (w0, w1, x), (0.0, 1.0, 0.0))
    _, pull_back = cr.vjp(outputs, w0, w1, x)
    dy2_dw0, dy2_dw1_rev, dy2_dx = pull_back((0.0, 1.0))
    print("one jvp (tangent 1 on w1):  "
          f"dy1/dw1 = {float(dy1_dw1):.4f} = x cos(w1 x + w0) = {x * np.cos(a5):.4f}")
    print(f"                            dy2/dw1 = {float(dy2_dw1):.4f} = "
          f"-x sin(w1 x + w0) = {-x * np.sin(a5):.4f}")
    print(f"one vjp (cotangent (0, 1)): dy2/dw0 = {float(dy2_dw0):.4f}, "
          f"dy2/dw1 = {float(dy2_dw1_rev):.4f}, dy2/dx = {float(dy2_dx):.4f}")
    np.testing.assert_allclose([y1, y2], [np.sin(a5), np.cos(a5)], rtol=1e-15)
    np.testing.assert_allclose([dy1_dw1, dy2_dw1], [x * np.cos(a5), -x * np.sin(a5)],
                               rtol=1e-14)
    np.testing.assert_allclose([dy2_dw0, dy2_dw1_rev, dy2_dx],
                               [-np.sin(a5), -x * np.sin(a5), -w1 * np.sin(a5)], rtol=1e-14)
    print("\nforward mode: one pass per input direction, every output at once;"
          "\nreverse mode: one pass per output, every input at once.  All checks passed.")


if __name__ == "__main__":
    main()
