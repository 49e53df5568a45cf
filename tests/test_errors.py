"""Every error a user can meet: each names the operation, shapes/dtypes and what to do."""

import numpy as np
import pytest

import chainrule as cr


def test_grad_of_non_scalar_output_suggests_jacobian_and_vjp():
    with pytest.raises(TypeError, match=r"float64 array of shape \(3,\).*cr\.jacobian.*cr\.vjp"):
        cr.grad(np.sin)(np.ones(3))


@pytest.mark.parametrize("arg", [3, np.arange(3), np.array([True, False])])
def test_differentiating_integer_or_boolean_arguments(arg):
    with pytest.raises(TypeError, match=r"argument 0 .*(int|bool).*cannot be differentiated"):
        cr.grad(lambda x: np.sum(x * 1.0))(arg)


def test_numpy_function_without_derivative_is_named():
    # a function of a NumPy submodule is named with its public module path
    with pytest.raises(TypeError, match=r"numpy\.lib\.stride_tricks\.sliding_window_view has no "
                                        r"derivative.*stop_gradient.*primitive"):
        cr.grad(lambda x: np.sum(np.lib.stride_tricks.sliding_window_view(x, 2)))(np.ones(4))
    with pytest.raises(TypeError, match=r"numpy\.gcd has no derivative"):
        cr.grad(lambda x: np.sum(np.gcd(x, x)))(np.ones(4))


def test_shape_mismatch_inside_a_primitive_names_the_operation_and_shapes():
    with pytest.raises(ValueError, match=r"add.*shape \(3,\).*shape \(4,\)"):
        cr.grad(lambda x: np.sum(x + np.ones(4)))(np.ones(3))


def test_cotangent_of_wrong_shape_or_dtype():
    _, back = cr.vjp(np.sin, np.ones(3))
    with pytest.raises(ValueError, match=r"shape \(2,\).*shape \(3,\)"):
        back(np.ones(2))
    with pytest.raises(ValueError, match=r"float32.*float64"):
        back(np.ones(3, dtype=np.float32))
    with pytest.raises(ValueError, match="structure"):
        back((np.ones(3), np.ones(3)))


def test_traced_value_used_after_its_transformation_ended():
    kept = []

    def f(x):
        kept.append(x * 2.0)
        return np.sum(x)

    cr.grad(f)(np.ones(2))
    with pytest.raises(RuntimeError, match=r"reverse-mode transformation that has already "
                                           r"returned"):
        np.exp(kept[0])


@pytest.mark.parametrize("convert", [float, int, complex])
def test_python_scalar_conversion_of_a_traced_value(convert):
    with pytest.raises(TypeError, match=r"would silently drop its derivative.*stop_gradient"):
        cr.grad(lambda x: convert(x))(2.0)


def test_building_a_plain_array_from_traced_values_points_to_cnp_array():
    with pytest.raises(TypeError, match=r"cr\.numpy\.array"):
        cr.grad(lambda a: np.sum(np.array([a, a])))(1.0)


def test_missing_rule_of_a_user_primitive():
    p = cr.Primitive("mystery", np.sin)
    with pytest.raises(cr.NoDerivativeError, match=r"mystery: no reverse-mode \(VJP\) rule"):
        cr.grad(p)(1.0)
    with pytest.raises(NotImplementedError, match=r"mystery: no forward-mode \(JVP\) rule"):
        cr.jvp(p, (1.0,), (1.0,))


def test_a_numpy_function_without_a_rule_is_not_implemented_and_a_type_error():
    for cls in (NotImplementedError, TypeError, cr.NoDerivativeError):
        with pytest.raises(cls, match=r"numpy\.unwrap has no derivative rule.*cr\.primitive"):
            cr.grad(lambda x: np.sum(np.unwrap(x)))(np.ones(3))


def test_out_argument_is_refused():
    with pytest.raises(TypeError, match=r"out="):
        cr.grad(lambda x: np.sum(np.exp(x, out=np.empty(2))))(np.ones(2))


def test_jvp_argument_errors():
    with pytest.raises(TypeError, match="tuples"):
        cr.jvp(np.sin, 1.0, 1.0)
    with pytest.raises(ValueError, match="same shape"):
        cr.jvp(np.sin, (np.ones(3),), (np.ones(2),))
