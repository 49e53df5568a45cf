"""Seed 003, section 3.6 (eqs. 3.58 to 3.65): batch normalization's backward pass by hand.

Forward, per unit i over a batch of m values v: mu = mean(v) (3.58), sigma^2 = mean((v - mu)^2)
+ eps (3.59), v_hat = (v - mu) / sigma (3.60), a = gamma v_hat + beta (3.61). Given dL/da,
the seed derives dL/dbeta = sum dL/da, dL/dgamma = sum dL/da * v_hat, dL/dv_hat = gamma dL/da
(3.64), dL/dsigma^2, dL/dmu, and finally dL/dv (3.62, 3.63, 3.65). Here ``nn.BatchNorm`` is
differentiated by chainrule (its backward pass is not written anywhere) and compared with
those formulas, evaluated by hand.

Run:  python examples/seed003_batchnorm_backward.py
"""

import numpy as np

import chainrule as cr
from chainrule import nn


def main() -> None:
    rng = np.random.default_rng(0)
    m, units = 6, 3
    v = rng.standard_normal((m, units)) * [1.0, 3.0, 0.5] + [0.0, 2.0, -1.0]
    dL_da = rng.standard_normal((m, units))  # whatever the layers above send back
    bn = nn.BatchNorm(units)
    bn.gamma, bn.beta = np.array([1.5, 0.5, 2.0]), np.array([0.1, -0.2, 0.3])

    def loss(v, bn):  # a loss whose gradient with respect to the BN output a is dL_da
        return np.sum(bn(v) * dL_da)

    dL_dv, dL_dbn = cr.grad(loss, argnums=(0, 1))(v, bn)

    # The seed's formulas, unit by unit (vectorised over the units i).
    gamma, eps = bn.gamma, bn.eps
    mu = v.mean(axis=0)  # eq. 3.58
    sigma = np.sqrt(((v - mu) ** 2).mean(axis=0) + eps)  # eq. 3.59
    v_hat = (v - mu) / sigma  # eq. 3.60
    dL_dbeta = dL_da.sum(axis=0)
    dL_dgamma = (dL_da * v_hat).sum(axis=0)
    dL_dvhat = gamma * dL_da  # eq. 3.64
    dL_dsigma2 = -0.5 / sigma ** 3 * (dL_dvhat * (v - mu)).sum(axis=0)
    dL_dmu = (-gamma / sigma * dL_da.sum(axis=0)
              + (1 / sigma ** 3) * (dL_da * gamma * (v - mu)).sum(axis=0)
              * (v - mu).sum(axis=0) / m)  # the second term vanishes: sum (v - mu) = 0
    by_hand = (dL_da * gamma / sigma + dL_dmu / m
               + dL_dsigma2 * 2 * (v - mu) / m)  # eq. 3.65

    print(f"batch of m = {m}, {units} units; gamma = {gamma.tolist()}, beta = {bn.beta.tolist()}")
    print("dL/dv, chainrule (rows: batch, columns: units):")
    print(np.round(dL_dv, 5))
    print(f"largest difference from eq. 3.65 by hand: {np.abs(dL_dv - by_hand).max():.1e}")
    print(f"dL/dgamma = {np.round(dL_dbn.gamma, 5).tolist()} (seed: sum dL/da * v_hat)")
    print(f"dL/dbeta  = {np.round(dL_dbn.beta, 5).tolist()} (seed: sum dL/da)")
    np.testing.assert_allclose(dL_dv, by_hand, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dL_dbn.gamma, dL_dgamma, rtol=1e-12)
    np.testing.assert_allclose(dL_dbn.beta, dL_dbeta, rtol=1e-12)
    # A consequence worth seeing: the gradient sums to zero over the batch for every unit,
    # because shifting a whole batch leaves the normalized output unchanged.
    np.testing.assert_allclose(dL_dv.sum(axis=0), 0.0, atol=1e-12)
    print("column sums of dL/dv are 0: shifting the whole batch changes nothing")
    print("All checks passed.")


if __name__ == "__main__":
    main()
