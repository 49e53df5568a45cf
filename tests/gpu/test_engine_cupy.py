"""Unmodified NumPy code on traced CuPy arrays (issue 12): ``np.exp(x)``, ``x @ W`` and ndarray
methods reach chainrule through NumPy's protocols, every transformation keeps its results on the
GPU, and arrays that would need a silent copy are refused."""

import numpy as np
import pytest

import chainrule as cr

cupy = pytest.importorskip("cupy", reason="CuPy is not installed (the gpu extra)")


def numpy_code(W, x):
    h = np.tanh(x @ W)
    return np.sum(np.exp(-h ** 2)) + (h * h).mean() + np.log1p(np.abs(W)).T.sum()


def problem(dtype=np.float64):
    rng = np.random.default_rng(0)
    return rng.normal(size=(4, 3)).astype(dtype), rng.normal(size=(5, 4)).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_grad_of_numpy_code_on_cupy_equals_numpy(dtype):
    W, x = problem(dtype)
    gW, gx = cr.grad(numpy_code, argnums=(0, 1))(cupy.asarray(W), cupy.asarray(x))
    eW, ex = cr.grad(numpy_code, argnums=(0, 1))(W, x)
    tol = 1e-10 if dtype == np.float64 else 1e-4
    for g, e in ((gW, eW), (gx, ex)):
        assert isinstance(g, cupy.ndarray) and g.dtype == dtype
        np.testing.assert_allclose(cupy.asnumpy(g), e, rtol=tol, atol=tol)


def test_jvp_hvp_jacobian_and_hessian_stay_on_the_gpu():
    W, x = problem()
    dW, dX = cupy.asarray(W), cupy.asarray(x)
    v = np.ones_like(W)

    def f(w):
        return numpy_code(w, x)

    def f_gpu(w):
        return numpy_code(w, dX)

    pairs = [
        (cr.jvp(f_gpu, (dW,), (cupy.asarray(v),))[1], cr.jvp(f, (W,), (v,))[1]),
        (cr.hvp(f_gpu, (dW,), (cupy.asarray(v),))[0], cr.hvp(f, (W,), (v,))[0]),
        (cr.jacobian(lambda w: np.tanh(dX @ w))(dW), cr.jacobian(lambda w: np.tanh(x @ w))(W)),
        (cr.hessian(f_gpu)(dW), cr.hessian(f)(W)),
    ]
    for got, want in pairs:
        assert isinstance(got, cupy.ndarray)
        np.testing.assert_allclose(cupy.asnumpy(got), want, rtol=1e-9, atol=1e-10)


def test_a_numpy_array_mixed_with_a_gpu_array_is_refused():
    W, x = problem()
    with pytest.raises(cr.BackendError, match="mixed with"):
        cr.grad(numpy_code)(cupy.asarray(W), x)


def test_two_gpus_are_not_mixed():
    if cupy.cuda.runtime.getDeviceCount() < 2:
        pytest.skip("one GPU only: mixing two devices cannot be tried")
    W, x = problem()
    with cupy.cuda.Device(1):
        x1 = cupy.asarray(x)
    with pytest.raises((ValueError, cr.BackendError)):
        cr.grad(numpy_code)(cupy.asarray(W), x1)
