"""Seed 003, section 3.2.1, Figure 3.4: 32 paths, each w^31, against one backward sweep.

Five layers of two units; every unit multiplies the two units of the layer below
(h(i, j) = h(i-1, 1) * h(i-1, 2), eq. 3.6) and the first layer holds w. The output is w^32.
The pathwise aggregation lemma (Lemma 3.2.1, eq. 3.4) sums, over the 2^5 = 32 paths, the
product of the local derivatives (the complementary inputs): each product is w^31, so
do/dw = 32 w^31. Dynamic programming (section 3.2.2) gets the same number with one
multiplication per edge instead of one per edge *per path*.

Run:  python examples/seed003_fig3_4_path_sums.py
"""

import numpy as np

import chainrule as cr
from chainrule.examples.seed_examples import product_layers


def main() -> None:
    w = 1.01
    print(f"o(w) = {float(product_layers(w)):.6f} at w = {w}  (w^32 = {w ** 32:.6f})\n")
    report = cr.explain.path_sums(product_layers, w)
    report.show(max_paths=4)
    print(f"\nevery path's product is w^31 = {w ** 31:.6f}; 32 of them: 32 w^31 = "
          f"{32 * w ** 31:.6f}")
    print(f"cost: {report.path_sum_multiplications} multiplications summing over paths, "
          f"{report.dp_multiplications} in the backward sweep")

    if report.n_paths != 32:
        raise SystemExit(f"expected 2^5 = 32 paths, found {report.n_paths}")
    np.testing.assert_allclose([p for _, p in report.paths], w ** 31, rtol=1e-13)
    np.testing.assert_allclose([report.path_sum, report.dp_derivative,
                                float(cr.grad(product_layers)(w))], 32 * w ** 31, rtol=1e-13)
    counts = (report.path_sum_multiplications, report.dp_multiplications)
    # 32 paths of 5 edges: 4 multiplications each; 18 edges: 4 into each of the four
    # two-unit products, 2 into the output.
    if counts != (128, 18):
        raise SystemExit(f"expected 128 multiplications over paths and 18 by DP, got {counts}")
    print("All checks passed.")


if __name__ == "__main__":
    main()
