"""Complex numbers: the derivative convention, holomorphic_grad, mixed real/complex code, and
the refusals where a complex derivative would be ambiguous (chainrule/ops/complex.py)."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import chainrule as cr


def _fd_complex_grad(f, z, eps=1e-6):
    """dL/dx - i dL/dy of a real-valued f by central differences."""
    dx = (f(z + eps) - f(z - eps)) / (2 * eps)
    dy = (f(z + 1j * eps) - f(z - 1j * eps)) / (2 * eps)
    return dx - 1j * dy


def test_complex_intermediate_of_a_real_input_is_exact_and_silent():
    # |x (1 + 2i)|^2 = 5 x^2: the derivative is 10 x (the old rule gave -6 x with a warning)
    x = np.array([0.5, -1.5, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = cr.grad(lambda x: np.sum(np.abs(x * (1 + 2j)) ** 2))(x)
    np.testing.assert_allclose(g, 10 * x, rtol=1e-14)
    assert g.dtype == np.float64


@pytest.mark.parametrize("f", [
    lambda z: np.abs(z) ** 2 * np.real(z) + np.imag(z) ** 3,
    lambda z: np.angle(z) * np.abs(np.conj(z) + 1j),
    lambda z: np.real(np.exp(z) * np.conj(z)),
    lambda z: np.abs(np.sin(z) / (z + 2)),
])
def test_grad_of_real_function_is_df_dx_minus_i_df_dy(f):
    z = np.complex128(0.7 - 0.4j)
    np.testing.assert_allclose(cr.grad(f)(z), _fd_complex_grad(f, z), rtol=1e-8)


@settings(max_examples=30)
@given(st.floats(-3, 3), st.floats(-3, 3))
def test_grad_convention_over_the_plane(x, y):
    z = np.complex128(x + 1j * y)
    if abs(z) < 1e-2 or abs(z ** 2 + np.conj(z)) < 1e-2:  # abs's kink: z = 0, -1, (1 +- i 3^.5)/2
        return

    def f(z):
        return np.abs(z ** 2 + np.conj(z)) + np.imag(z * np.exp(-z))

    np.testing.assert_allclose(cr.grad(f)(z), _fd_complex_grad(f, z), rtol=1e-6, atol=1e-8)


def test_holomorphic_grad_gives_the_complex_derivative():
    z = np.complex128(0.3 + 1.1j)
    for f, df in ((lambda z: z ** 3, lambda z: 3 * z ** 2), (np.exp, np.exp),
                  (np.sin, np.cos), (lambda z: np.log(z) / z, lambda z: (1 - np.log(z)) / z ** 2)):
        np.testing.assert_allclose(cr.holomorphic_grad(f)(z), df(z), rtol=1e-13)


def test_holomorphic_grad_refuses_real_inputs_and_outputs():
    with pytest.raises(TypeError, match="needs complex inputs"):
        cr.holomorphic_grad(np.exp)(1.0)
    with pytest.raises(TypeError, match="complex scalar"):
        cr.holomorphic_grad(np.abs)(np.complex128(1j))


def test_grad_of_complex_output_points_to_holomorphic_grad():
    with pytest.raises(TypeError, match="holomorphic_grad"):
        cr.grad(lambda z: z ** 2)(np.complex128(1j))


def test_vjp_of_complex_output_takes_the_conjugate_linear_cotangent():
    # L = Re(sum(u * f(z))) has cotangent u on f(z); for f = z^2 the VJP is u * 2z
    z = np.array([1 + 2j, -0.5 + 0.25j])
    u = np.array([0.3 - 1j, 2 + 0.5j])
    (ct,) = cr.vjp(lambda z: z ** 2, z)[1](u)
    np.testing.assert_allclose(ct, u * 2 * z, rtol=1e-15)
    # the same number from grad of the real scalar it stands for
    np.testing.assert_allclose(cr.grad(lambda z: np.real(np.sum(u * z ** 2)))(z), ct)


def test_real_input_complex_output_pulls_back_the_real_part():
    x = np.array([0.2, 1.3])
    u = np.array([1 + 1j, 2 - 3j])
    (ct,) = cr.vjp(lambda x: np.exp(1j * x), x)[1](u)
    # d/dx Re(u e^{ix}) = Re(i u e^{ix})
    np.testing.assert_allclose(ct, np.real(1j * u * np.exp(1j * x)), rtol=1e-14)
    assert ct.dtype == np.float64


def test_forward_mode_pushes_complex_tangents():
    z = np.complex128(3 + 4j)
    _, t = cr.jvp(np.abs, (z,), (np.complex128(1j),))  # d|z| along i: y / |z|
    assert t == pytest.approx(0.8)
    _, t = cr.jvp(np.angle, (z,), (np.complex128(1.0),))  # d theta along 1: -y / |z|^2
    assert t == pytest.approx(-4 / 25)
    _, t = cr.jvp(lambda z: np.conj(z) * 1j, (z,), (np.complex128(1 + 1j),))
    assert t == pytest.approx(np.conj(1 + 1j) * 1j)


def test_second_order_through_complex_intermediates():
    # Re(e^{ix}) = cos x: second derivative -cos x, in both orders of modes
    f = lambda x: np.sum(np.real(np.exp(1j * x)))  # noqa: E731
    x = np.array([0.3, -1.2])
    np.testing.assert_allclose(cr.hessian(f)(x), np.diag(-np.cos(x)), rtol=1e-13)
    rr = cr.grad(lambda x: np.sum(cr.grad(f)(x)))(x)
    np.testing.assert_allclose(rr, -np.cos(x), rtol=1e-13)


def test_abs_and_angle_at_zero_take_derivative_zero():
    zero = np.complex128(0)
    assert cr.grad(np.abs)(zero) == 0
    assert cr.grad(np.angle)(zero) == 0
    assert cr.jvp(np.abs, (zero,), (np.complex128(1 + 1j),))[1] == 0


def test_astype_complex_to_real_warns_as_numpy_and_keeps_the_real_part():
    z = np.array([1 + 2j, 3 - 1j])
    with pytest.warns(np.exceptions.ComplexWarning):
        g = cr.grad(lambda z: np.sum(z.astype(np.float64) ** 2))(z)
    np.testing.assert_allclose(g, 2 * z.real + 0j)


def test_tracer_methods():
    z = np.array([1 + 2j, 3 - 1j])

    def f(z):
        return np.sum(z.real * z.imag + np.real(z.conj() * z.conjugate()))

    np.testing.assert_allclose(cr.grad(f)(z), _fd_complex_grad_vec(f, z), rtol=1e-8)


def _fd_complex_grad_vec(f, z, eps=1e-6):
    out = np.zeros_like(z)
    for i in range(z.size):
        e = np.zeros_like(z)
        e[i] = 1
        out[i] = _fd_complex_grad(lambda w, i=i, e=e: f(z + (w - z[i]) * e), z[i], eps)
    return out


def test_jacobian_needs_the_holomorphic_promise():
    z = np.array([1 + 2j, 0.5 - 1j])
    f = lambda z: np.exp(z) * z  # noqa: E731
    with pytest.raises(TypeError, match="holomorphic=True"):
        cr.jacobian(f)(z)
    expected = np.diag(np.exp(z) * (1 + z))
    for mode in ("fwd", "rev"):
        np.testing.assert_allclose(cr.jacobian(f, mode=mode, holomorphic=True)(z), expected)
    with pytest.raises(TypeError, match="must be complex"):
        cr.jacobian(np.exp, holomorphic=True)(np.ones(2))


def test_second_derivatives_of_complex_inputs_are_refused():
    z = np.array([1 + 2j])
    with pytest.raises(TypeError, match="real and imaginary parts"):
        cr.hessian(lambda z: np.sum(np.abs(z) ** 2))(z)
    with pytest.raises(TypeError, match="real and imaginary parts"):
        cr.hvp(lambda z: np.sum(np.abs(z) ** 2), (z,), (z,))


def test_check_grad_catches_a_wrong_complex_rule():
    wrong = cr.Primitive("wrong_abs", np.abs)
    wrong.defvjp(lambda g, ans, z: g * z / ans)  # missing conjugate
    with pytest.raises(cr.GradientCheckError):
        cr.check_grad(wrong, np.array([1 + 2j, -0.5 + 1j]), modes=("rev",), order=1)


def test_predicates_and_real_if_close_are_numpy_values():
    z = np.array([1 + 0j, 2 + 1e-20j, 1j])
    assert cr.grad(lambda z: np.sum(np.iscomplex(z) * np.abs(z)))(z)[2] == pytest.approx(-1j)
    assert np.isreal(z).tolist() == cr.numpy.isreal(z).tolist()
    out = cr.jvp(lambda z: np.real_if_close(z[:2]), (z,), (np.ones(3, complex),))[0]
    assert out.dtype == np.float64


def test_numerical_grad_of_complex_inputs_follows_the_convention():
    z = np.array([1 + 2j, 0.5 - 1j])
    f = lambda z: np.sum(np.abs(z) ** 3 * np.real(z))  # noqa: E731
    np.testing.assert_allclose(cr.numerical_grad(f, z), cr.grad(f)(z), rtol=1e-8)


def test_trace_table_of_a_complex_intermediate():
    table = cr.trace(lambda x: np.abs(x * (1 + 2j)) ** 2, 1.5)
    text = table.to_markdown()
    assert "(1+2j)" in text and "1.5+3j" in text and "3-6j" in text
    assert "| 15 |" in text.replace("  ", " ")


def test_holomorphic_hessian():
    z = np.array([1 + 2j, 0.5 - 1j])
    h = cr.hessian(lambda z: np.sum(np.exp(z) * z[0]), holomorphic=True)(z)
    e = np.exp(z)
    expected = np.array([[e[0] * z[0] + 2 * e[0], e[1]], [e[1], e[1] * z[0]]])
    np.testing.assert_allclose(h, expected, rtol=1e-13)
    with pytest.raises(TypeError, match="holomorphic=True"):
        cr.hessian(lambda z: np.sum(z ** 2))(z)
