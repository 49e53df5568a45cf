"""Seed 003, section 3.2.1, Figures 3.1 to 3.3: the chain rule on one path and on two.

Figure 3.1: f(g(w)) = cos(w^2); the univariate chain rule gives -sin(w^2) * 2w.
Figures 3.2/3.3: y = w^2 feeds two nodes, sin(y) and cos(y), added into o (eq. 3.5); the
multivariable chain rule (eq. 3.3) adds the products of local derivatives along the two paths:
do/dw = 2w cos(w^2) - 2w sin(w^2). ``cr.explain.path_sums`` lists the paths with their
products and compares their sum with the backward sweep.

Run:  python examples/seed003_fig3_3_two_paths.py
"""

import numpy as np

import chainrule as cr


def one_path(w):
    return np.cos(w ** 2)  # Figure 3.1


def two_paths(w):
    y = w ** 2  # one node y = g(w), used twice
    return np.sin(y) + np.cos(y)  # o = sin(w^2) + cos(w^2), eq. 3.5


def main() -> None:
    w = 1.5
    d1 = float(cr.grad(one_path)(w))
    print(f"Figure 3.1: d cos(w^2)/dw at w = {w}: chainrule {d1:.6f}, "
          f"-2w sin(w^2) = {-2 * w * np.sin(w ** 2):.6f}")
    np.testing.assert_allclose(d1, -2 * w * np.sin(w ** 2), rtol=1e-14)

    report = cr.explain.path_sums(two_paths, w)
    print("\nFigure 3.3: o = sin(w^2) + cos(w^2)")
    report.show()
    print("local derivatives z(i, j) on the edges (2w, cos(w^2), -sin(w^2), 1, 1):")
    for parent, child, z in report.edges:
        print(f"  {parent} -> {child}: {z:.6f}")
    expected_edges = sorted([2 * w, np.cos(w ** 2), -np.sin(w ** 2), 1.0, 1.0])
    np.testing.assert_allclose(sorted(z for _, _, z in report.edges), expected_edges,
                               rtol=1e-14)
    formula = -2 * w * np.sin(w ** 2) + 2 * w * np.cos(w ** 2)  # the seed's derivative
    print(f"the seed's formula -2w sin(w^2) + 2w cos(w^2) = {formula:.6f}")
    if report.n_paths != 2:
        raise SystemExit(f"expected the seed's two paths, found {report.n_paths}")
    products = sorted(p for _, p in report.paths)
    np.testing.assert_allclose(products, sorted([2 * w * np.cos(w ** 2),
                                                 -2 * w * np.sin(w ** 2)]), rtol=1e-14)
    np.testing.assert_allclose([report.path_sum, report.dp_derivative,
                                float(cr.grad(two_paths)(w))], formula, rtol=1e-14)
    print("All checks passed.")


if __name__ == "__main__":
    main()
