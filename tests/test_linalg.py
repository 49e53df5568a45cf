"""Linear algebra: analytic derivatives, broadcasting, einsum forms, conventions, errors."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp

RNG = np.random.default_rng(42)


def _well(n, batch=()):
    return RNG.standard_normal((*batch, n, n)) + n * np.eye(n)


def _spd(n):
    r = RNG.standard_normal((n, n))
    return r @ r.T + n * np.eye(n)


# --- analytic derivatives -----------------------------------------------------------------
def test_det_gradient_is_det_times_inverse_transpose():
    a = _well(4)
    g = cr.grad(np.linalg.det)(a)
    np.testing.assert_allclose(g, np.linalg.det(a) * np.linalg.inv(a).T, rtol=1e-10)


def test_logdet_gradient_and_sign_for_negative_determinant():
    a = _well(3)
    a[0] *= -1.0
    sign, logabsdet = cnp.linalg.slogdet(a)
    assert sign == -1.0
    (s, value), back = cr.vjp(lambda x: cnp.linalg.slogdet(x), a)
    assert s == -1.0
    np.testing.assert_allclose(value, np.log(abs(np.linalg.det(a))), rtol=1e-12)
    g = cr.grad(lambda x: np.linalg.slogdet(x)[1])(a)
    np.testing.assert_allclose(g, np.linalg.inv(a).T, rtol=1e-10)
    # the sign output carries a zero cotangent, logabsdet its own
    cotangent = type(cnp.linalg.slogdet(a))(np.float64(5.0), np.float64(2.0))
    np.testing.assert_allclose(back(cotangent)[0], 2 * g, rtol=1e-12)


def test_trace_of_product_gradient_is_the_other_matrix():
    a, b = RNG.standard_normal((2, 3, 4))
    np.testing.assert_allclose(cr.grad(lambda x: np.trace(x.T @ b))(a), b, rtol=1e-12)
    np.testing.assert_allclose(cr.grad(lambda x: x.trace())(a[:, :3]), np.eye(3))


def test_quadratic_form_gradient_and_hessian():
    a, x = RNG.standard_normal((3, 3)), RNG.standard_normal(3)

    def f(v):
        return v @ a @ v

    np.testing.assert_allclose(cr.grad(f)(x), (a + a.T) @ x, rtol=1e-12)
    hess_col = cr.grad(lambda v: cr.grad(f)(v)[1])(x)  # second order through matmul rules
    np.testing.assert_allclose(hess_col, (a + a.T)[1], rtol=1e-12)


def test_inverse_gradient_and_second_order():
    a, u = _well(3), RNG.standard_normal((3, 3))
    ainv = np.linalg.inv(a)
    g = cr.grad(lambda x: np.sum(np.linalg.inv(x) * u))(a)
    np.testing.assert_allclose(g, -ainv.T @ u @ ainv.T, rtol=1e-10)
    # d^2 log det along v: -tr(A^-1 V A^-1 V)
    v = RNG.standard_normal((3, 3))
    _, second = cr.jvp(lambda x: np.sum(cr.grad(lambda y: np.linalg.slogdet(y)[1])(x) * v),
                       (a,), (v,))
    np.testing.assert_allclose(second, -np.trace(ainv @ v @ ainv @ v), rtol=1e-10)


def _read_lower(m):
    """The gradient with respect to A of f(tril(A) + tril(A, -1)^T), given m = df/dS, S
    symmetric: NumPy's cholesky and eigh(UPLO='L') read the lower triangle only."""
    mt = np.swapaxes(m, -1, -2)
    return np.tril(m) + np.tril(mt, -1)


def _read_upper(m):
    return np.swapaxes(_read_lower(np.swapaxes(m, -1, -2)), -1, -2)


def test_cholesky_logdet_gradient_is_inverse():
    a = _spd(4)
    g = cr.grad(lambda x: 2 * np.sum(np.log(np.diagonal(np.linalg.cholesky(x)))))(a)
    np.testing.assert_allclose(g, _read_lower(np.linalg.inv(a)), rtol=1e-9)
    assert np.all(np.triu(g, 1) == 0)  # the upper triangle is never read


def test_cholesky_upper_and_batched():
    a = np.stack([_spd(3), _spd(3)])
    np.testing.assert_allclose(cnp.linalg.cholesky(a, upper=True),
                               np.swapaxes(np.linalg.cholesky(a), -1, -2), atol=1e-12)
    g = cr.grad(lambda x: np.sum(np.linalg.cholesky(x, upper=True) ** 2))(a)
    # sum(U**2) = trace(A): gradient I in each matrix (upper=True reads the upper triangle)
    np.testing.assert_allclose(g, np.broadcast_to(np.eye(3), (2, 3, 3)), atol=1e-10)
    g = cr.grad(lambda x: np.sum(np.linalg.cholesky(x, upper=True)[..., 0, :]))(a)
    assert np.all(np.tril(g, -1) == 0)


def test_eigh_eigenvalue_gradient_is_eigenvector_projection():
    a = _spd(4)
    w, v = np.linalg.eigh(a)
    for k in range(4):
        g = cr.grad(lambda x, k=k: np.linalg.eigh(x)[0][k])(a)
        np.testing.assert_allclose(g, _read_lower(np.outer(v[:, k], v[:, k])), atol=1e-10)
        g = cr.grad(lambda x, k=k: np.linalg.eigh(x, "U")[0][k])(a)
        np.testing.assert_allclose(g, _read_upper(np.outer(v[:, k], v[:, k])), atol=1e-10)


def test_eigh_degenerate_eigenvalues_still_give_symmetric_function_gradients():
    # eigenvector derivatives are undefined for repeated eigenvalues, eigenvalue sums are not
    g = cr.grad(lambda x: np.sum(np.linalg.eigvalsh(x) ** 2))(np.eye(3))
    np.testing.assert_allclose(g, 2 * np.eye(3), atol=1e-12)


def test_eigh_projection_matches_finite_differences_on_symmetric_directions():
    a = _spd(3)

    def proj(x):
        v = np.linalg.eigh(x)[1][:, 2]
        return np.sum(np.outer(v, v) * np.arange(9.0).reshape(3, 3))

    g = cr.grad(proj)(a)
    d = RNG.standard_normal((3, 3))
    d = d + d.T
    eps = 1e-6
    fd = (proj(a + eps * d) - proj(a - eps * d)) / (2 * eps)
    assert np.sum(g * d) == pytest.approx(fd, rel=1e-6)
    assert np.all(np.triu(g, 1) == 0)


# --- matmul, dot and broadcasting ---------------------------------------------------------
def test_batched_matmul_broadcast_gradients():
    a, b = RNG.standard_normal((2, 1, 3, 4)), RNG.standard_normal((5, 4, 2))
    u = RNG.standard_normal((2, 5, 3, 2))
    ga, gb = cr.grad(lambda x, y: np.sum((x @ y) * u), argnums=(0, 1))(a, b)
    assert ga.shape == a.shape and gb.shape == b.shape
    np.testing.assert_allclose(ga, np.sum(u @ np.swapaxes(b, -1, -2), axis=1, keepdims=True))
    np.testing.assert_allclose(gb, np.sum(np.swapaxes(a, -1, -2) @ u, axis=0))


@pytest.mark.parametrize(("sa", "sb"), [((4,), (4,)), ((4,), (2, 4, 3)), ((2, 3, 4), (4,))])
def test_matmul_one_dimensional_operands(sa, sb):
    a, b = RNG.standard_normal(sa), RNG.standard_normal(sb)
    out = a @ b
    u = RNG.standard_normal(np.shape(out))
    ga, gb = cr.grad(lambda x, y: np.sum((x @ y) * u), argnums=(0, 1))(a, b)
    # reference: the same product written as an explicit sum (einsum on plain arrays)
    ea = "ij"[: len(sa) - 1] + "k" if len(sa) > 1 else "k"
    eb = {1: "k", 3: "bkm"}[len(sb)]
    eo = np.einsum(f"{ea},{eb}", a, b)
    np.testing.assert_allclose(eo, out)
    assert ga.shape == sa and gb.shape == sb
    np.testing.assert_allclose(np.sum(ga * a) + np.sum(gb * b), 2 * np.sum(u * out))


def test_matmul_with_constant_list_and_dispatch():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    g = cr.grad(lambda a: np.sum(a @ [[1.0, 0.0], [0.0, 2.0]]))(x)
    np.testing.assert_allclose(g, [[1.0, 2.0], [1.0, 2.0]])
    g = cr.grad(lambda a: np.sum(np.matmul([1.0, 1.0], a) * [1.0, 3.0]))(x)
    np.testing.assert_allclose(g, [[1.0, 3.0], [1.0, 3.0]])
    g = cr.grad(lambda a: a.dot(a).sum())(x)
    np.testing.assert_allclose(g, np.ones((2, 2)) @ x.T + x.T @ np.ones((2, 2)))


def test_matmul_plain_arrays_run_numpy():
    a, b = RNG.standard_normal((3, 4)), RNG.standard_normal((4, 2))
    np.testing.assert_array_equal(cnp.matmul(a, b), a @ b)
    assert cnp.dot(2.0, 3.0) == 6.0
    assert cnp.linalg.slogdet(a[:, :3]) == np.linalg.slogdet(a[:, :3])


def test_dot_tensor_semantics():
    a, b = RNG.standard_normal((2, 3, 4)), RNG.standard_normal((5, 4, 6))
    np.testing.assert_allclose(cr.jvp(np.dot, (a, b), (a, b))[1], 2 * np.dot(a, b))
    g = cr.grad(lambda x: np.sum(np.dot(x, b)))(a)
    np.testing.assert_allclose(g, np.broadcast_to(b.sum(axis=(0, 2)), a.shape))


def test_solve_matches_inverse_times_b():
    a, b, v = _well(3, (2,)), RNG.standard_normal((2, 3, 2)), RNG.standard_normal(3)

    def via_solve(x, y):
        return np.sum(np.linalg.solve(x, y) ** 2) + np.sum(np.linalg.solve(x, v) ** 3)

    def via_inv(x, y):
        return np.sum((np.linalg.inv(x) @ y) ** 2) + np.sum((np.linalg.inv(x) @ v) ** 3)

    np.testing.assert_allclose(via_solve(a, b), via_inv(a, b), rtol=1e-12)
    for got, want in zip(cr.grad(via_solve, (0, 1))(a, b), cr.grad(via_inv, (0, 1))(a, b),
                         strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-9)
    assert cnp.linalg.solve(a, v).shape == np.linalg.solve(a, v).shape == (2, 3)


# --- einsum -------------------------------------------------------------------------------
EINSUMS = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("ba,ca", [(2, 3), (4, 3)]),
    ("Ab,bA->A", [(2, 3), (3, 2)]),
    ("i,i", [(3,), (3,)]),
    ("i,j->ij", [(3,), (2,)]),
    ("ii", [(3, 3)]),
    ("ii->i", [(3, 3)]),
    ("iji->j", [(3, 2, 3)]),
    ("ij->", [(2, 3)]),
    ("...ij->...ji", [(2, 3, 4)]),
    ("...j,...j->...", [(2, 1, 3), (4, 3)]),
    ("bij,bjk,bkl->bil", [(2, 2, 3), (2, 3, 4), (2, 4, 2)]),
    ("i,ij,jk,k->", [(2,), (2, 3), (3, 4), (4,)]),
    ("ijk,kj", [(2, 3, 4), (4, 3)]),
]


@pytest.mark.parametrize(("spec", "shapes"), EINSUMS, ids=[e[0] for e in EINSUMS])
def test_einsum_forms_match_numpy_and_finite_differences(spec, shapes):
    xs = [RNG.standard_normal(s) for s in shapes]
    out = cr.jvp(lambda *a: np.einsum(spec, *a), tuple(xs), tuple(xs))[0]
    np.testing.assert_allclose(out, np.einsum(spec, *xs), rtol=1e-12)
    cr.check_grad(lambda *a: np.einsum(spec, *a), *xs)


def test_einsum_sublist_form_dtype_and_optimize():
    a, b = RNG.standard_normal((2, 3)), RNG.standard_normal((3, 4))
    f = lambda x: np.einsum(x, [0, 1], b, [1, 2], [0, 2], optimize=True)  # noqa: E731
    np.testing.assert_allclose(cr.jvp(f, (a,), (a,))[1], a @ b, rtol=1e-12)
    g = cr.grad(lambda x: np.einsum(x, [0, 1], b, [1, 2]).sum())(a)
    np.testing.assert_allclose(g, np.broadcast_to(b.sum(axis=1), a.shape), rtol=1e-12)
    out = cr.jvp(lambda x: np.einsum("ij->j", x, dtype=np.float32), (a,), (a,))[0]
    assert out.dtype == np.float32


def test_einsum_errors_name_the_problem():
    a = np.ones((2, 3))
    with pytest.raises(ValueError, match="einsum: 'ij,jk->ik' names 2 operands but 1"):
        cr.grad(lambda x: np.einsum("ij,jk->ik", x).sum())(a)
    with pytest.raises(ValueError, match="einsum: operand 0 is a traced float64 array"):
        cr.grad(lambda x: np.einsum("ijk->", x))(a)


# --- diagonals, triangles, kron -----------------------------------------------------------
def test_diag_and_diagonal_gradients():
    v = RNG.standard_normal(3)
    np.testing.assert_allclose(cr.grad(lambda x: np.sum(np.diag(x, 1) * np.arange(16.0)
                                                        .reshape(4, 4)))(v), [1.0, 6.0, 11.0])
    a = RNG.standard_normal((2, 3, 4))
    g = cr.grad(lambda x: np.sum(np.diagonal(x, -1, 2, 1)))(a)
    want = np.zeros(a.size)
    want[np.diagonal(np.arange(a.size).reshape(a.shape), -1, 2, 1).ravel()] = 1.0
    np.testing.assert_array_equal(g, want.reshape(a.shape))
    assert g.sum() == 6.0  # x[:, i - 1, i] for i = 1, 2, 3
    with pytest.raises(ValueError, match="diag: expected a 1-D or 2-D array"):
        cr.grad(lambda x: np.diag(x).sum())(a)


def test_triangles_zero_the_other_side():
    a = RNG.standard_normal((3, 4))
    np.testing.assert_array_equal(cr.grad(lambda x: np.tril(x, 1).sum())(a),
                                  np.tri(3, 4, 1))
    np.testing.assert_array_equal(cr.grad(lambda x: np.triu(x).sum())(a), np.triu(np.ones((3, 4))))


def test_kron_gradient():
    a, b = RNG.standard_normal((2, 3)), RNG.standard_normal((3, 2))
    ga, gb = cr.grad(lambda x, y: np.kron(x, y).sum(), argnums=(0, 1))(a, b)
    np.testing.assert_allclose(ga, np.full(a.shape, b.sum()))
    np.testing.assert_allclose(gb, np.full(b.shape, a.sum()))


def test_tensordot_mismatch_error():
    with pytest.raises(ValueError, match=r"tensordot: axes \[1\] of a traced float64"):
        cr.grad(lambda x: np.tensordot(x, np.ones((4, 2)), axes=([1], [0])).sum())(np.ones((2, 3)))


def test_out_argument_is_refused():
    with pytest.raises(TypeError, match=r"dot\(..., out=...\)"):
        cr.grad(lambda x: np.dot(x, x, out=np.empty(())))(np.ones(2))


# --- dtypes and namespaces ----------------------------------------------------------------
@pytest.mark.parametrize("fn", [
    lambda a: np.sum(a @ a),
    lambda a: np.sum(np.linalg.inv(a)),
    lambda a: np.linalg.det(a),
    lambda a: np.linalg.slogdet(a)[1],
    lambda a: np.sum(np.linalg.solve(a, a[0])),
    lambda a: np.sum(np.linalg.cholesky(a @ a.T)),
    lambda a: np.sum(np.linalg.eigh(a + a.T)[0]),
    lambda a: np.sum(np.linalg.eigh(a + a.T)[1] ** 2 * np.arange(9.0, dtype=np.float32)
                  .reshape(3, 3)),
    lambda a: np.einsum("ij,jk->", a, a),
    lambda a: np.trace(np.kron(a, a)),
])
def test_float32_stays_float32(fn):
    a = (_well(3)).astype(np.float32)
    value, g = cr.value_and_grad(fn)(a)
    assert np.result_type(value) == np.float32 and g.dtype == np.float32
    _, t = cr.jvp(fn, (a,), (np.ones_like(a),))
    assert np.result_type(t) == np.float32


def test_linalg_namespace_and_plain_results():
    a = _spd(3)
    assert cnp.linalg.inv is not None and "inv" in cnp.linalg.__all__
    w, v = cnp.linalg.eigh(a)
    np.testing.assert_allclose(w, np.linalg.eigvalsh(a))
    np.testing.assert_allclose(cnp.linalg.multi_dot([a, a, a]), a @ a @ a)
    np.testing.assert_allclose(cnp.linalg.matrix_power(a, 0), np.eye(3))
    np.testing.assert_allclose(cnp.linalg.matrix_transpose(a[None]), a.T[None])
    g = cr.grad(lambda x: np.linalg.matrix_power(x, 3).trace())(a)
    np.testing.assert_allclose(g, 3 * (a @ a).T, rtol=1e-12)
