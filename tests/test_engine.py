"""The engine's guarantees: iterative sweeps, memory release, nesting, threads, pytrees."""

import dataclasses
import gc
import threading
import weakref
from typing import NamedTuple

import numpy as np
import pytest

import chainrule as cr
from chainrule.primitive import Primitive


def test_chain_of_100000_operations_has_no_recursion_limit():
    def f(x):
        for _ in range(50_000):
            x = x * 1.00001
            x = x + 0.0
        return x

    assert float(cr.grad(f)(1.0)) == pytest.approx(1.00001**50_000, rel=1e-9)


def test_graph_of_a_million_nodes():
    def f(x):
        total = x
        for _ in range(250_000):
            y = x * x
            total = total + y * 0.5 - y * 0.25
        return total

    assert float(cr.grad(f)(1.5)) == pytest.approx(1 + 250_000 * 0.25 * 2 * 1.5, rel=1e-12)


def _probe_chain(length, refs, dead_when_visited):
    """A chain of custom primitives whose outputs are watched by weak references."""
    probe = Primitive("probe", lambda x: x * 1.0)

    def impl(x):
        out = x * 1.0
        refs.append(weakref.ref(out))
        return out

    probe.impl = impl

    def vjp_rule(g, ans, x):
        k = next(i for i, r in enumerate(refs) if r() is ans)
        if k + 1 < length - 1:  # the last output is held by grad as the returned value
            dead_when_visited.append(refs[k + 1]() is None)
        return g

    probe.defvjp(vjp_rule)

    def f(x):
        for _ in range(length):
            x = probe(x)
        return np.sum(x)

    return f


def test_intermediates_are_released_during_the_backward_sweep():
    refs, dead = [], []
    f = _probe_chain(6, refs, dead)
    cr.grad(f)(np.ones(1000))
    assert dead and all(dead)
    gc.collect()
    assert all(r() is None for r in refs[:-1])


def test_no_graph_outlives_its_transformation():
    refs = []
    leaked = []

    def f(x):
        y = np.exp(x)
        z = np.sin(y) * 3.0
        refs.append(weakref.ref(z._value))
        leaked.append(y)
        return np.sum(z * 2.0)

    cr.grad(f)(np.ones(100))
    gc.collect()
    assert refs[0]() is None  # an intermediate the user did not keep is gone ...
    assert leaked[0]._trace.tape is None  # ... a leaked tracer does not hold the graph ...
    with pytest.raises(RuntimeError, match="already returned"):
        _ = leaked[0] * 2.0  # ... and can no longer be used to record


def test_vjp_function_is_reusable_and_frees_the_graph_when_dropped():
    refs = []

    def f(x):
        y = np.sin(x)
        refs.append(weakref.ref(y._value))
        return y * y

    x = np.linspace(0, 1, 5)
    out, back = cr.vjp(f, x)
    g1 = back(np.ones(5))[0]
    g2 = back(np.full(5, 2.0))[0]
    np.testing.assert_allclose(g2, 2 * g1)
    np.testing.assert_allclose(g1, 2 * np.sin(x) * np.cos(x))
    del back
    gc.collect()
    assert refs[0]() is None


def test_higher_orders_nest():
    d4 = cr.grad(cr.grad(cr.grad(cr.grad(np.exp))))
    assert float(d4(0.5)) == pytest.approx(np.exp(0.5), rel=1e-13)
    # forward over forward
    d2 = lambda x: cr.jvp(lambda y: cr.jvp(np.sin, (y,), (1.0,))[1], (x,), (1.0,))[1]  # noqa: E731
    assert float(d2(0.3)) == pytest.approx(-np.sin(0.3), rel=1e-13)
    # reverse over forward
    assert float(cr.grad(lambda x: cr.jvp(np.sin, (x,), (1.0,))[1])(0.3)) == pytest.approx(
        -np.sin(0.3), rel=1e-13
    )


def test_two_threads_differentiate_different_functions_at_once():
    results: dict[str, list[bool]] = {"a": [], "b": []}
    barrier = threading.Barrier(2)

    def work(name, f, df, x):
        barrier.wait()
        for _ in range(300):
            results[name].append(bool(np.allclose(cr.grad(f)(x), df(x), rtol=1e-12)))

    xa, xb = np.linspace(0.1, 1, 7), np.linspace(-1, 1, 5)
    ta = threading.Thread(target=work, args=("a", lambda x: np.sum(np.sin(x) ** 2),
                                             lambda x: 2 * np.sin(x) * np.cos(x), xa))
    tb = threading.Thread(target=work, args=("b", lambda x: np.sum(np.exp(2 * x)),
                                             lambda x: 2 * np.exp(2 * x), xb))
    ta.start(), tb.start()
    ta.join(), tb.join()
    assert len(results["a"]) == len(results["b"]) == 300
    assert all(results["a"]) and all(results["b"])


class Params(NamedTuple):
    W: np.ndarray
    b: np.ndarray


@dataclasses.dataclass
class Layer:
    W: np.ndarray
    b: np.ndarray


@pytest.mark.parametrize("container", ["dict", "list", "namedtuple", "dataclass"])
def test_pytree_arguments_get_gradients_of_the_same_structure(container):
    rng = np.random.default_rng(0)
    W, b, x = rng.standard_normal((3, 2)), rng.standard_normal(2), rng.standard_normal((4, 3))
    make = {"dict": lambda W, b: {"W": W, "b": b}, "list": lambda W, b: [W, b],
            "namedtuple": Params, "dataclass": Layer}[container]
    get = {"dict": lambda p: (p["W"], p["b"]), "list": lambda p: tuple(p),
           "namedtuple": tuple, "dataclass": lambda p: (p.W, p.b)}[container]

    def loss(p):
        W_, b_ = get(p)
        return np.sum(np.tanh(x @ W_ + b_))

    g = cr.grad(loss)(make(W, b))
    assert type(g) is type(make(W, b))
    gW, gb = get(g)
    s = 1 - np.tanh(x @ W + b) ** 2
    np.testing.assert_allclose(gW, x.T @ s)
    np.testing.assert_allclose(gb, s.sum(0))


def test_argnums_has_aux_and_unreached_inputs():
    def f(x, y, z):
        return np.sum(x * y), {"note": "aux"}

    (g, aux) = cr.grad(f, argnums=(0, 2), has_aux=True)(np.ones(2), np.full(2, 3.0), np.ones(2))
    np.testing.assert_allclose(g[0], [3.0, 3.0])
    np.testing.assert_allclose(g[1], [0.0, 0.0])  # z does not reach the output
    assert aux == {"note": "aux"}
    (value, aux), gx = cr.value_and_grad(f, has_aux=True)(np.ones(2), np.ones(2), np.ones(2))
    assert float(value) == 2.0 and aux["note"] == "aux"


def test_pytree_outputs_in_vjp_and_jvp():
    def f(x):
        return {"s": np.sin(x), "pair": (x * 2.0, np.sum(x))}

    x = np.array([0.1, 0.2])
    out, back = cr.vjp(f, x)
    ct = {"s": np.ones(2), "pair": (np.ones(2), np.float64(1.0))}
    np.testing.assert_allclose(back(ct)[0], np.cos(x) + 2 + 1)
    _, tangent = cr.jvp(f, (x,), (np.ones(2),))
    np.testing.assert_allclose(tangent["s"], np.cos(x))
    assert float(tangent["pair"][1]) == 2.0


def test_jacobian_modes_agree_and_auto_picks_by_size():
    A = np.arange(6.0).reshape(2, 3)

    def f(x):
        return np.tanh(A @ x)

    x = np.array([0.1, -0.2, 0.3])
    expected = (1 - np.tanh(A @ x) ** 2)[:, None] * A
    for mode in ("fwd", "rev", "auto"):
        np.testing.assert_allclose(cr.jacobian(f, mode=mode)(x), expected, rtol=1e-12)
    J = cr.jacobian(lambda x, y: x[:, None] * y, argnums=(0, 1))(np.ones(2), np.ones(3))
    assert J[0].shape == (2, 3, 2) and J[1].shape == (2, 3, 3)


def test_elementwise_grad_and_stop_gradient():
    x = np.linspace(-1, 1, 5)
    np.testing.assert_allclose(cr.elementwise_grad(np.sin)(x), np.cos(x))
    g = cr.grad(lambda x: np.sum(x * cr.stop_gradient(x ** 2)))(x)
    np.testing.assert_allclose(g, x ** 2)


def test_user_primitive_with_its_own_rules():
    @cr.primitive
    def cube(x):
        return x ** 3

    cube.defvjp(lambda g, ans, x: g * 3 * x ** 2)
    cube.defjvp(lambda t, ans, x: t * 3 * x ** 2)
    assert float(cr.grad(cube)(2.0)) == 12.0
    assert float(cr.jvp(cube, (2.0,), (1.0,))[1]) == 12.0
    assert float(cr.grad(cr.grad(cube))(2.0)) == 12.0  # the rule is itself differentiable


def test_float32_stays_float32():
    x = np.ones(3, dtype=np.float32)
    g = cr.grad(lambda x: np.sum(x * 2.0 + x ** 2))(x)
    assert g.dtype == np.float32
    out, t = cr.jvp(lambda x: x * 3.0, (x,), (np.ones(3, np.float32),))
    assert out.dtype == np.float32 and t.dtype == np.float32


def test_data_dependent_control_flow():
    def f(x):
        return x ** 2 if x > 0 else -x

    assert float(cr.grad(f)(3.0)) == 6.0
    assert float(cr.grad(f)(-3.0)) == -1.0
    comparison = cr.grad(lambda x: np.sum(np.where(x > 0, x, 0.0)) + 0 * np.sum(x))
    np.testing.assert_allclose(comparison(np.array([-1.0, 2.0])), [0.0, 1.0])


def test_copies_of_traced_arrays_are_independent_under_index_assignment():
    def f(x):
        y = x.copy()
        y[0] = 0.0
        z = +x
        z[1] = 0.0
        return np.sum(x * y) + np.sum(z)

    g = cr.grad(f)(np.array([2.0, 3.0]))
    # f = x0*0 + x1*x1 + x0 + 0  ->  grad = (1, 2 x1)
    np.testing.assert_allclose(g, [1.0, 6.0])


def test_forward_mode_defers_products_nobody_reads():
    from chainrule.primitive import REGISTRY

    matmul = REGISTRY["matmul"]
    calls = []
    impl = matmul.impl

    def counting(a, b):
        calls.append((a.shape, b.shape))
        return impl(a, b)

    matmul.impl = counting
    try:
        rng = np.random.default_rng(0)
        X = rng.standard_normal((5, 4))
        W, V = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))

        def loss(W):
            return np.sum(np.tanh(X @ W) ** 2)

        (Hv,) = cr.hvp(loss, (W,), (V,))
        # forward: X @ W and its tangent X @ V; backward: X^T g is only needed for its tangent
        assert ((4, 5), (5, 3)) in calls and len(calls) == 3
        calls.clear()
        out, t = cr.jvp(lambda W: X @ W, (W,), (V,))  # a read value is computed on demand
        np.testing.assert_allclose(out, X @ W)
        np.testing.assert_allclose(t, X @ V)
    finally:
        matmul.impl = impl
    numeric = (cr.grad(loss)(W + 1e-6 * V) - cr.grad(loss)(W - 1e-6 * V)) / 2e-6
    np.testing.assert_allclose(Hv, numeric, rtol=1e-6, atol=1e-8)
