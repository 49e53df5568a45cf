"""Code written against the Array API standard (``xp = x.__array_namespace__()``) differentiates:
traced values name ``chainrule.array_api`` as their namespace, the standard's names over
``chainrule.numpy`` (issue 12, two faces over one core)."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

import chainrule as cr
from chainrule import array_api


def mlp_loss_standard(params, X, Y):
    """A two-layer perceptron's softmax cross-entropy, in the standard's words only (the traced
    factor first in ``logp * Y``, so a constant Y of array-api-strict does not refuse it)."""
    W1, b1, W2, b2 = params
    xp = W1.__array_namespace__()
    h = xp.tanh(xp.matmul(X, W1) + b1)
    z = xp.matmul(h, W2) + b2
    z = z - xp.max(z, axis=1, keepdims=True)
    logp = z - xp.log(xp.sum(xp.exp(z), axis=1, keepdims=True))
    return -xp.sum(logp * Y) / X.shape[0]


def mlp_loss_numpy(params, X, Y):
    W1, b1, W2, b2 = params
    h = np.tanh(X @ W1 + b1)
    z = h @ W2 + b2
    z = z - np.max(z, axis=1, keepdims=True)
    logp = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return -np.sum(Y * logp) / X.shape[0]


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(0)
    params = [rng.normal(size=(4, 5)), rng.normal(size=5), rng.normal(size=(5, 3)),
              rng.normal(size=3)]
    X = rng.normal(size=(6, 4))
    Y = np.eye(3)[rng.integers(0, 3, size=6)]
    return params, X, Y


def test_the_standard_face_gives_numpys_gradient_and_hvp(problem):
    params, X, Y = problem
    g_std = cr.grad(mlp_loss_standard)(params, X, Y)
    g_np = cr.grad(mlp_loss_numpy)(params, X, Y)
    for a, b in zip(g_std, g_np, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)
    v = [np.ones_like(p) for p in params]
    h_std = cr.hvp(lambda p: mlp_loss_standard(p, X, Y), (params,), (v,))
    h_np = cr.hvp(lambda p: mlp_loss_numpy(p, X, Y), (params,), (v,))
    for a, b in zip(cr.tree_leaves(h_std), cr.tree_leaves(h_np), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    cr.check_grad(lambda W1: mlp_loss_standard([W1, *params[1:]], X, Y), params[0])


def test_standard_names_and_signatures():
    x = np.array([0.2, -0.4, 0.6])

    def f(x):
        xp = x.__array_namespace__()
        assert xp is array_api and x.device == "cpu" and x.to_device("cpu") is x
        parts = xp.unstack(xp.reshape(x, (3, 1)), axis=0)
        a, b = xp.broadcast_arrays(x, xp.asarray(2.0))
        return (xp.sum(xp.pow(xp.asin(x), 2)) + xp.var(x, correction=1)
                + xp.sum(xp.concat(parts)) + xp.sum(xp.permute_dims(xp.reshape(x, (1, 3)),
                                                                    (1, 0)) * b)
                + xp.sum(xp.astype(x, xp.float32)) + xp.vecdot(x, x)
                + xp.sum(xp.matrix_transpose(xp.reshape(a, (3, 1)))))

    n = 3
    # unstack/concat 1; the (3, 1) column times b (3,) broadcasts to 3 x 3: 3 * 2; astype 1;
    # vecdot 2x; matrix_transpose 1
    expected = (2 * np.arcsin(x) / np.sqrt(1 - x**2) + 2 * (x - x.mean()) / (n - 1)
                + 1 + 6 + 1 + 2 * x + 1)
    np.testing.assert_allclose(cr.grad(f)(x), expected, rtol=1e-6)


def _standard_sum(x, device):
    xp = x.__array_namespace__()
    assert xp is array_api and x.device == device and x.to_device(device) is x
    parts = xp.unstack(xp.reshape(x, (3, 1)), axis=0)
    return (xp.sum(xp.pow(xp.asin(x), 2)) + xp.var(x, correction=1) + xp.sum(xp.concat(parts))
            + xp.sum(xp.astype(x, xp.float32)) + xp.vecdot(x, x) + xp.mean(xp.exp(x / 3.0))
            + xp.std(2.0 * x) + xp.max(xp.matrix_transpose(xp.reshape(x, (1, 3)))))


def test_the_face_keeps_another_librarys_device():
    """Traced array-api-strict values on a device other than its default: the face reports that
    device, and every constant the operations make (a mean's count, a scalar's array) is made
    there, or they would not combine."""
    pytest.importorskip("array_api_strict", reason="array-api-strict (dev extra) not installed")
    from tests.strict_device import DEVICE, on_device, to_numpy

    x = np.array([0.2, -0.4, 0.6])
    got = cr.grad(lambda v: _standard_sum(v, DEVICE))(on_device(x))
    np.testing.assert_allclose(to_numpy(got), cr.grad(lambda v: _standard_sum(v, "cpu"))(x),
                               rtol=1e-14)


def test_isdtype_reads_numpys_and_other_libraries_dtypes():
    assert array_api.isdtype(np.float32, "real floating")
    assert array_api.isdtype(np.complex64, ("bool", "complex floating"))
    assert not array_api.isdtype(np.int16, "unsigned integer")
    strict = pytest.importorskip("array_api_strict", reason="array-api-strict not installed")
    assert array_api.isdtype(strict.float64, "real floating")
    assert array_api.isdtype(strict.int8, strict.int8)


SCIPY_PROBE = textwrap.dedent("""
    import numpy as np, chainrule as cr
    from scipy import special, stats
    x = np.array([0.1, 0.5, -0.3, 0.7])
    s = np.exp(x) / np.exp(x).sum()
    np.testing.assert_allclose(cr.grad(special.logsumexp)(x), s, rtol=1e-12)
    for f in (lambda x: special.softmax(x)[0], lambda x: special.log_softmax(x)[1],
              lambda x: stats.zscore(x)[0], lambda x: stats.skew(x),
              lambda x: stats.kurtosis(x), lambda x: stats.gmean(x + 1.0)):
        cr.check_grad(f, x)
    print("ok")
""")


def test_scipys_array_api_functions_differentiate():
    """With SCIPY_ARRAY_API=1, SciPy computes in the namespace of its inputs: on traced values
    that is chainrule's face, so SciPy's own code is differentiated (no chainrule.scipy twin)."""
    pytest.importorskip("scipy", reason="SciPy (dev extra) not installed")
    done = subprocess.run([sys.executable, "-c", SCIPY_PROBE], capture_output=True, text=True,
                          timeout=120, env={**__import__("os").environ, "SCIPY_ARRAY_API": "1"})
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
