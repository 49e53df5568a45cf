"""Buffer reuse in ``cr.jit`` programs (``chainrule.jit.reuse``): an elementwise operation writes
into a dying temporary, never into an output, a constant or memory another value can see, and
into an argument only when it is donated (``donate=True``); the results are bit for bit the
eager ones."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import chainrule as cr
from chainrule.jit import JitError

RNG = np.random.default_rng(3)


def chain(x, w):
    a = np.sin(x) * w         # temporaries made by ufuncs, each read once: reusable
    b = a + 1.0
    c = np.exp(b) / 3.0
    return np.sum(c * x)


def test_elementwise_temporaries_are_written_in_place_with_eager_values():
    x, w = RNG.normal(size=(5, 4)), RNG.normal(size=4)
    f = cr.value_and_grad(chain)
    compiled = cr.jit(f)
    program = compiled.lower(x, w)
    assert len(program.in_place) >= 3
    assert "out=s" in program.source and "into s" in program.show()
    x0, w0 = x.copy(), w.copy()
    for _ in range(2):  # a second call reuses nothing stale
        value, grad = compiled(x, w)
        want_value, want_grad = f(x, w)
        assert value == want_value and np.array_equal(grad, want_grad)
    assert np.array_equal(x, x0) and np.array_equal(w, w0)  # inputs untouched


def test_inputs_outputs_and_constants_are_never_written():
    c = np.array([1.0, 2.0, 3.0])

    def f(x):
        y = x * 2.0       # an output: kept as it is
        z = np.exp(c)     # depends on no input: a constant of the program
        return y, (y + 1.0) * z + x

    compiled = cr.jit(f)
    x = np.array([0.5, -1.0, 2.0])
    y, out = compiled(x)
    assert np.array_equal(y, x * 2.0) and np.array_equal(c, [1.0, 2.0, 3.0])
    assert np.array_equal(out, f(x)[1])
    program = compiled.lower(x)
    outputs = {k for kind, k in program.outputs if kind == "slot"}
    assert not set(program.in_place.values()) & (outputs | set(range(program.n_inputs)))


def test_a_value_another_operation_may_view_is_not_reused():
    def f(x):
        a = x * 3.0
        t = a.T            # a view of a: a's memory must stay a's
        b = a + 1.0        # a's last ufunc use, but t is still alive
        return b, t * 2.0

    compiled = cr.jit(f)
    x = RNG.normal(size=(3, 2))
    b, t2 = compiled(x)
    assert np.array_equal(b, x * 3.0 + 1.0) and np.array_equal(t2, (x * 3.0).T * 2.0)
    program = compiled.lower(x)
    a_slot = next(slot for name, *_, slot, _ in program.instructions if name == "multiply")
    assert a_slot not in program.in_place.values()


def test_a_different_shape_or_dtype_is_not_written_into():
    def f(x, v):
        a = x * 2.0                    # (3, 1) float64
        b = a + v                      # broadcast to (3, 4): cannot go into a
        return np.sum(b.astype(np.float32) * np.float32(2.0))

    compiled = cr.jit(f)
    x, v = RNG.normal(size=(3, 1)), RNG.normal(size=4)
    assert compiled(x, v) == f(x, v)
    program = compiled.lower(x, v)
    shapes = {slot: shape for slot, (_, shape, _) in enumerate(program.layouts)}
    for i, k in program.in_place.items():
        assert shapes[k] == shapes[program.instructions[i][4]]


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_compiled_gradients_with_reuse_equal_eager_bit_for_bit(n, m, seed):
    r = np.random.default_rng(seed)
    x, w = r.normal(size=(n, m)), r.normal(size=m)
    f = cr.value_and_grad(chain, argnums=(0, 1))
    value, (gx, gw) = cr.jit(f)(x, w)
    want_value, (wx, ww) = f(x, w)
    assert value == want_value and np.array_equal(gx, wx) and np.array_equal(gw, ww)


def test_donated_arguments_are_written_into_and_results_equal_eager():
    def f(x, w):
        return np.exp(x * 2.0) + w.T @ w   # x dies at the multiply: it may take the result

    x, w = RNG.normal(size=(3, 3)), RNG.normal(size=(2, 3))
    want = f(x, w)
    donating = cr.jit(f, donate=True)
    program = donating.lower(x.copy(), w)
    assert program.written_inputs == [0]   # x; never w, which a transpose reads
    given, w0 = x.copy(), w.copy()
    assert np.array_equal(donating(given, w), want)
    assert not np.array_equal(given, x)    # written into, as donated
    assert np.array_equal(w, w0)
    kept = x.copy()
    assert np.array_equal(cr.jit(f)(kept, w), want) and np.array_equal(kept, x)


def test_a_donated_array_that_is_read_only_or_shared_is_refused():
    def f(x, y):
        return x * 2.0 + y

    donating = cr.jit(f, donate=True)
    x = RNG.normal(size=4)
    with pytest.raises(JitError, match="leaves 0 and 1 share memory"):
        donating(x, x)
    frozen = x.copy()
    frozen.flags.writeable = False
    with pytest.raises(JitError, match="read-only"):
        donating(frozen, x)
    assert np.array_equal(donating(x.copy(), x), x * 2.0 + x)


def test_views_of_one_array_are_refused_only_when_they_overlap():
    donating = cr.jit(lambda x, y: (x * 2.0 + 1.0, y + 0.0), donate=True)
    base = RNG.normal(size=8)
    a, b = base[:4], base[4:]            # one buffer, no overlap: fine
    want = (a * 2.0 + 1.0, b + 0.0)
    got = donating(a.copy(), b)
    assert all(np.array_equal(g, w) for g, w in zip(got, want, strict=True))
    donating(base[:4], base[4:])
    with pytest.raises(JitError, match="share memory"):
        donating(base[:4], base[2:6])    # overlapping views of one buffer
