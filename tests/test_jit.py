"""``cr.jit`` semantics (issue 13): compiled results equal eager ones for new inputs (no stale
program), Python reads of traced data and impure functions are refused naming the line, the
cache is keyed by signature, and every transformation composes with it."""

import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn
from chainrule.backend import BackendError
from chainrule.jit import JitCacheWarning, JitError

RNG = np.random.default_rng(0)


def relu_net(params, X):
    W1, b1, W2 = params["W1"], params["b1"], params["W2"]
    h = np.where(X @ W1 + b1 > 0, X @ W1 + b1, 0.0)
    logits = h @ W2
    shift = np.max(logits, axis=1, keepdims=True)
    return np.mean(np.log(np.sum(np.exp(logits - shift), axis=1)) + shift[:, 0] - logits[:, 0])


def params(seed):
    r = np.random.default_rng(seed)
    return {"W1": r.normal(size=(4, 6)), "b1": r.normal(size=6), "W2": r.normal(size=(6, 3))}


def test_new_inputs_give_new_results_not_the_traced_ones():
    vg = cr.value_and_grad(relu_net)
    compiled = cr.jit(vg)
    for seed in range(4):  # other signs, other maxima, other branches of np.where
        p, X = params(seed), RNG.normal(size=(5, 4))
        value, grads = compiled(p, X)
        want_value, want = vg(p, X)
        assert value == want_value
        for k in want:
            np.testing.assert_array_equal(grads[k], want[k])
    assert len(compiled._cache) == 1


def test_python_reads_of_traced_data_are_refused_naming_the_line():
    def branchy(x):
        if np.sum(x) > 0:  # a Python condition on data
            return x * 2
        return x

    with pytest.raises(JitError, match=r"a Python condition .* at .*test_jit.py:\d+ "
                                       r"\(if np.sum\(x\) > 0"):
        cr.jit(branchy)(np.ones(3))
    with pytest.raises(JitError, match=r"float\(x\) reads a traced value's data"):
        cr.jit(lambda x: float(np.sum(x)) * x)(np.ones(3))
    with pytest.raises(JitError, match="reads a traced value's data"):
        cr.jit(lambda x: x[np.argmax(x).item()])(np.arange(3.0))


def test_random_numbers_inside_are_refused():
    def noisy(x):
        return x + np.random.default_rng().normal(size=x.shape)

    with pytest.raises(JitError, match="reads random numbers or global state inside"):
        cr.jit(noisy)(np.ones(3))
    rng = np.random.default_rng(1)
    with pytest.raises(JitError, match="random numbers or global state"):
        cr.jit(lambda x: x * rng.random())(np.ones(2))


def test_static_arguments_and_python_numbers_key_the_cache():
    def scaled(x, power, scale):
        return x ** power * scale if power > 1 else x * scale

    f = cr.jit(scaled, static_argnums=1)
    x = np.array([1.0, 2.0])
    assert f(x, 2, 3.0).tolist() == [3.0, 12.0]
    assert f(x, 1, 3.0).tolist() == [3.0, 6.0]
    assert f(x, 2, 0.5).tolist() == [0.5, 2.0]  # a new Python number: a new program
    assert len(f._cache) == 3
    f.clear_cache()
    assert len(f._cache) == 0 and f(x, 2, 3.0).tolist() == [3.0, 12.0]
    with pytest.raises(TypeError, match="static arguments must be hashable"):
        f(x, [2], 3.0)


def test_a_storm_of_new_signatures_warns_once_naming_the_argument():
    f = cr.jit(lambda x: x * 2, cache_size=2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for n in range(1, 6):
            f(np.ones(n))
    storm = [w for w in caught if issubclass(w.category, JitCacheWarning)]
    assert len(storm) == 1 and "argument leaf 0" in str(storm[0].message)
    assert len(f._cache) == 2


def test_transformations_compose_with_jit():
    p, X = params(3), RNG.normal(size=(5, 4))

    def loss(W1):
        return relu_net({**p, "W1": W1}, X)

    g_outer = cr.grad(cr.jit(loss))(p["W1"])  # grad of a compiled function: replayed
    np.testing.assert_allclose(g_outer, cr.grad(loss)(p["W1"]), rtol=1e-13)
    v = RNG.normal(size=p["W1"].shape)
    hv = cr.jit(lambda w, v: cr.hvp(loss, (w,), (v,))[0])
    np.testing.assert_allclose(hv(p["W1"], v), cr.hvp(loss, (p["W1"],), (v,))[0], rtol=1e-12)
    twice = cr.jit(cr.jit(cr.grad(loss)))
    np.testing.assert_allclose(twice(p["W1"]), cr.grad(loss)(p["W1"]), rtol=1e-13)


def test_a_program_shows_numbered_lines_and_drops_what_no_output_needs():
    def f(x):
        return np.sum(np.sin(x) * x)

    v = np.ones(3)
    program = cr.jit(lambda x, v: cr.hvp(f, (x,), (v,))[0]).lower(np.arange(3.0), v)
    text = program.show()
    assert text.splitlines()[0] == "inputs: s0, s1"
    assert "   1  s" in text and "return s" in text
    assert program.recorded > len(program.instructions)  # the gradient itself is not needed
    assert "def program(s0, s1):" in program.source


def test_constant_outputs_are_fresh_arrays():
    f = cr.jit(lambda x: (x * 2, np.zeros(3)))
    _, z = f(np.ones(2))
    z += 1
    assert f(np.ones(2))[1].tolist() == [0.0, 0.0, 0.0]


def test_buffer_updates_inside_are_refused_not_frozen():
    bn = nn.BatchNorm(2)

    def loss(x):
        return np.sum(bn(x))

    with pytest.raises(JitError, match="reads a traced value's data"):
        cr.jit(cr.grad(loss))(RNG.normal(size=(4, 2)))


def test_pytrees_of_modules_compile():
    net = nn.Sequential(nn.Linear(3, 4, rng=0), nn.Tanh(), nn.Linear(4, 2, rng=1))
    X, y = RNG.normal(size=(6, 3)), np.array([0, 1, 1, 0, 1, 0])

    def loss(m, X, y):
        return nn.softmax_cross_entropy(m(X), y)

    vg = cr.value_and_grad(loss)
    value, grads = cr.jit(vg)(net, X, y)
    want_value, want = vg(net, X, y)
    assert value == pytest.approx(want_value, rel=1e-15)
    for g, w in zip(cr.tree_leaves(grads), cr.tree_leaves(want), strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-14)


def test_arrays_of_other_libraries_compile_and_mixing_libraries_is_refused_plainly():
    xp = pytest.importorskip("array_api_strict", reason="array-api-strict not installed")
    double = cr.jit(lambda x: x * 2)
    out = double(xp.asarray([1.0, 2.0]))
    assert type(out) is type(xp.asarray(0.0))  # its library computed it (test_jit_strict.py)
    assert xp.all(out == xp.asarray([2.0, 4.0]))
    # one operation on a NumPy array and another library's would copy one of them: refused
    # while compiling, as eagerly, naming both libraries
    with pytest.raises(BackendError, match="NumPy array .* mixed with array_api_strict"):
        cr.jit(lambda x, y: x * y)(np.ones(2), xp.asarray([1.0, 2.0]))


@pytest.mark.parametrize("make", [lambda: cr.optim.adam(1e-2), lambda: cr.optim.sgd(0.1),
                                  lambda: cr.optim.adam(lambda t: 0.1 / (1 + t)),
                                  lambda: cr.optim.rmsprop(0.01),
                                  lambda: cr.optim.chain(cr.optim.clip_global_norm(0.05),
                                                         cr.optim.momentum(0.1))],
                         ids=["adam", "sgd", "adam-schedule", "rmsprop", "clipped-momentum"])
def test_a_whole_training_step_compiles_and_checks_its_gradient_every_call(make):
    from chainrule import optim

    tx = make()

    def step(params, state, X):
        grads = cr.grad(lambda p: np.sum(np.tanh(X @ p[0]) ** 2) + np.sum(p[1] ** 2))(params)
        updates, state = tx.update(grads, state, params)
        return optim.apply_updates(params, updates), state

    params = [RNG.normal(size=(4, 3)).astype(np.float32), np.ones(3, np.float32)]
    X = RNG.normal(size=(5, 4)).astype(np.float32)
    compiled = cr.jit(step)
    a = b = (params, tx.init(params))
    for _ in range(3):  # the step count moves: the program computes it
        a, b = compiled(*a, X), step(*b, X)
    for x, y in zip(cr.tree_leaves(a), cr.tree_leaves(b), strict=True):
        assert x.dtype == y.dtype
        np.testing.assert_array_equal(x, y)
    assert len(compiled._cache) == 1
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(optim.NonFiniteGradientError, match="non-finite gradient at step 3"):
        compiled(*a, bad)  # the check runs inside the program, on every call


def test_random_draws_through_draw_are_fresh_each_call_and_consume_the_generator_as_eager():
    from chainrule.jit.effects import draw

    def noisy(x, rng):
        return x * draw(lambda g, n: g.random(n), rng, x, x.shape[0])

    compiled_rng, eager_rng = np.random.default_rng(7), np.random.default_rng(7)
    compiled = cr.jit(lambda x: noisy(x, compiled_rng))
    x = np.ones(4)
    for _ in range(3):
        np.testing.assert_array_equal(compiled(x), noisy(x, eager_rng))
    assert compiled_rng.random() == eager_rng.random()


def test_signatures_that_come_back_do_not_count_as_a_storm():
    f = cr.jit(lambda x: x + 1, cache_size=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", JitCacheWarning)
        for _ in range(4):  # two shapes alternating: each call finds its program
            f(np.ones(2))
            f(np.ones(3))
        for n in (4, 2):  # a third shape drops the first compiled (2): two misses in a row
            f(np.ones(n))
        assert len(f._cache) == 2


def test_inside_detect_anomaly_the_function_runs_eagerly_with_its_checks():
    f = cr.jit(cr.grad(lambda x: np.sum(np.log(x))))
    f(np.array([1.0, 2.0]))  # compiled outside
    with cr.detect_anomaly(), np.errstate(invalid="ignore"), \
            pytest.raises(cr.AnomalyError, match="log produced nan"):
        f(np.array([1.0, -2.0]))


def test_data_checks_of_rules_and_cone_conventions_run_in_the_program():
    from chainrule.ops.gaps import RepeatedValuesError

    def f(a):
        w, v = np.linalg.eigh(a)
        return np.sum(v[..., 0] ** 3) + np.sum(w) + np.std(a)  # std: a cone at zero

    compiled = cr.jit(cr.grad(f))
    a = np.array([[2.0, 0.5], [0.5, 1.0]])
    np.testing.assert_array_equal(compiled(a), cr.grad(f)(a))
    with pytest.raises(RepeatedValuesError, match="two eigenvalues are equal"):
        compiled(np.array([[1.0, 0.0], [0.0, 1.0]]))  # the same signature: the program checks
    assert len(compiled._cache) == 1
    g = cr.jit(cr.grad(lambda x: np.std(x)))
    np.testing.assert_array_equal(g(np.ones(3)), np.zeros(3))  # std's derivative 0 at the cone
    np.testing.assert_array_equal(g(np.arange(3.0)), cr.grad(lambda x: np.std(x))(np.arange(3.0)))


def test_a_nan_constant_is_the_same_constant_in_both_traces():
    f = cr.jit(cr.grad(lambda x: np.sum(np.where(x > 0, x, np.nan) ** 0 * x)))
    x = np.array([1.0, -2.0, 3.0])
    np.testing.assert_array_equal(f(x), cr.grad(lambda v: np.sum(
        np.where(v > 0, v, np.nan) ** 0 * v))(x))


def test_a_closure_made_during_the_call_is_refused_by_name():
    pytest.importorskip("scipy", reason="SciPy (dev extra) not installed")
    from chainrule.scipy.integrate import odeint

    t = np.linspace(0.0, 1.0, 3)

    def final(y0):  # the adjoint sweep builds its augmented dynamics as a closure
        return np.sum(odeint(lambda y, s: -y, y0, t)[-1])

    with pytest.raises(JitError, match="new object in each trace"):
        cr.jit(cr.grad(final))(np.array([1.0, 2.0]))


def test_cond_checks_singularity_on_every_call_of_the_program():
    f = cr.jit(cr.grad(lambda a: np.linalg.cond(a)))
    a = np.array([[2.0, 0.5], [0.3, 1.0]])
    np.testing.assert_array_equal(f(a), cr.grad(lambda m: np.linalg.cond(m))(a))
    with pytest.raises(np.linalg.LinAlgError, match="singular"):
        f(np.array([[1.0, 0.0], [0.0, 0.0]]))  # smallest singular value exactly 0


def test_a_numpy_type_as_a_parameter_keys_the_program():
    f = cr.jit(lambda x: x * np.sum(x > 0, dtype=np.intp))  # np.intp: a type, as a keyword
    np.testing.assert_array_equal(f(np.array([1.0, -2.0, 3.0])), [2.0, -4.0, 6.0])
    np.testing.assert_array_equal(f(np.array([1.0, 2.0, 3.0])), [3.0, 6.0, 9.0])
