"""eigh, eigvalsh and cholesky read one triangle: derivatives match NumPy on ANY input.

Regression tests for issue 10: the derivative used to be symmetrised, which disagrees with
finite differences of what NumPy computes when the input is not symmetric.
"""

import numpy as np
import pytest

import chainrule as cr
from chainrule.ops.gaps import RepeatedValuesError

RNG = np.random.default_rng(7)


def _nonsymmetric_spd_like(batch=()):
    r = RNG.standard_normal((*batch, 3, 3))
    spd = r @ np.swapaxes(r, -1, -2) + 3 * np.eye(3)
    return spd + 0.5 * RNG.standard_normal((*batch, 3, 3))  # read triangle still SPD


@pytest.mark.parametrize("uplo", ["L", "U", "l"])
def test_eigh_matches_finite_differences_on_nonsymmetric_input(uplo):
    a = _nonsymmetric_spd_like((2,))
    cr.check_grad(lambda x: np.linalg.eigvalsh(x, uplo), a)
    cr.check_grad(lambda x: np.linalg.eigh(x, UPLO=uplo)[1] ** 2, a)


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_matches_finite_differences_on_nonsymmetric_input(upper):
    a = _nonsymmetric_spd_like((2,))
    cr.check_grad(lambda x: np.linalg.cholesky(x, upper=upper), a)


@pytest.mark.parametrize(("uplo", "zero"), [("L", np.triu_indices(3, 1)),
                                            ("U", np.tril_indices(3, -1))])
def test_eigvalsh_gradient_lives_on_the_triangle_read(uplo, zero):
    a = _nonsymmetric_spd_like()
    g = cr.grad(lambda x: np.linalg.eigvalsh(x, uplo)[-1])(a)
    assert np.all(g[zero] == 0)
    # the unread triangle does not change NumPy's value; the read one (off-diagonal) counts
    # twice: the gradient is 2 v v^T there, v v^T on the diagonal
    s = np.tril(a) + np.tril(a, -1).T if uplo == "L" else np.triu(a) + np.triu(a, 1).T
    v = np.linalg.eigh(s)[1][:, -1]
    expect = 2 * np.outer(v, v) - np.diag(v * v)
    expect = np.tril(expect) if uplo == "L" else np.triu(expect)
    np.testing.assert_allclose(g, expect, atol=1e-12)


def test_cholesky_logdet_gradient_is_triangular():
    a = np.array([[4.0, 2.0], [2.0, 2.0]])
    a_bad = a.copy()
    a_bad[0, 1] = 100.0  # the upper triangle is never read by cholesky(upper=False)

    def logdet(x):
        return 2 * np.sum(np.log(np.diagonal(np.linalg.cholesky(x))))

    for x in (a, a_bad):
        np.testing.assert_allclose(cr.grad(logdet)(x), [[0.5, 0.0], [-1.0, 1.0]], atol=1e-12)


def test_eigh_bad_uplo_raises_like_numpy():
    with pytest.raises(ValueError, match="UPLO"):
        cr.grad(lambda x: np.linalg.eigvalsh(x, "X").sum())(np.eye(2))


def test_eigenvectors_of_repeated_eigenvalues_raise():
    with pytest.raises(RepeatedValuesError, match="eigh: the eigenvectors have no derivative"):
        cr.grad(lambda a: np.linalg.eigh(a)[1][0, 0])(np.eye(3))
    # eigenvalues alone stay differentiable (their sum is the trace)
    np.testing.assert_allclose(cr.grad(lambda a: np.linalg.eigvalsh(a).sum())(np.eye(3)),
                               np.eye(3), atol=1e-12)
