"""Broadcast elision in ``cr.jit`` programs (``chainrule.jit.broadcasts``): an elementwise ufunc
reads a ``broadcast_to``'s source when its result keeps the broadcast shape; the values are bit
for bit the eager ones, and a broadcast whose reader would change shape or dtype stays."""

import numpy as np

import chainrule as cr

RNG = np.random.default_rng(5)


def names(program):
    return [ins[0] for ins in program.instructions]


def log_softmax_loss(z):
    e = np.exp(z - np.max(z, axis=1, keepdims=True))
    return np.sum(np.log(e / np.sum(e, axis=1, keepdims=True)))


def test_the_softmax_cotangent_is_not_filled_and_equals_eager():
    z = RNG.normal(size=(6, 4))
    f = cr.value_and_grad(log_softmax_loss)
    eager = cr.value_and_grad(log_softmax_loss)
    compiled = cr.jit(f)
    program = compiled.lower(z)
    assert "broadcast_to" not in names(program)
    assert program.recorded > len(program.instructions)  # it was recorded, then elided
    value, grad = compiled(z)
    want_value, want_grad = eager(z)
    assert value == want_value and np.array_equal(grad, want_grad)


def test_a_broadcast_read_alone_or_returned_stays():
    def f(x):
        full = np.broadcast_to(x, (3, 2))
        return -full, full      # negative would shrink to x's shape; full is an output

    compiled = cr.jit(f)
    x = RNG.normal(size=(1, 2))
    neg, full = compiled(x)
    assert neg.shape == (3, 2) and np.array_equal(neg, -np.broadcast_to(x, (3, 2)))
    assert np.array_equal(full, np.broadcast_to(x, (3, 2)))
    assert names(compiled.lower(x)).count("broadcast_to") == 1


def test_a_python_number_source_keeps_its_broadcast():
    def f(x):
        return np.broadcast_to(0.5, x.shape) * x   # a weak Python float would change float32

    x = RNG.normal(size=3).astype(np.float32)
    compiled = cr.jit(f)
    assert compiled(x).dtype == f(x).dtype and np.array_equal(compiled(x), f(x))
