"""Positions computed from the inputs inside ``cr.jit`` (``chainrule.jit.hoisting``): sort's
permutation, an argmax gathered with ``take_along_axis``, median and quantile positions become
operands of their instructions, recomputed on every call; the compiled derivatives equal eager
ones bit for bit for inputs in other orders; repeated positions accumulate; a boolean mask
computed from the inputs is refused (its selection's shape depends on the data)."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.jit import JitError

RNG = np.random.default_rng(2)
W = np.array([1.0, 10.0, 100.0, 1000.0])


def same(compiled, eager, *inputs):
    for x in inputs:
        got, want = compiled(x), eager(x)
        assert np.array_equal(got, want), (x, got, want)
    assert len(compiled._cache) == 1  # one program for every order of the entries


@pytest.mark.parametrize("f", [
    lambda a: np.sum(np.sort(a) * W),
    lambda a: np.sum(np.sort(a.reshape(2, 2), axis=0) * W.reshape(2, 2)),
    lambda a: np.median(a),
    lambda a: np.quantile(a, 0.3) + np.percentile(a, 80.0),
    lambda a: np.sum(np.take_along_axis(a.reshape(2, 2),
                                        np.argmax(a.reshape(2, 2), axis=1)[:, None], axis=1)),
], ids=["sort", "sort-axis0", "median", "quantiles", "argmax-gather"])
def test_position_dependent_derivatives_compile_and_follow_each_input(f):
    grad = cr.grad(f)
    same(cr.jit(grad), grad, *[RNG.permutation(np.array([3.0, -1.0, 2.0, 7.5])) for _ in range(4)])


def test_repeated_positions_accumulate():
    def f(v):
        top = np.argmax(v)
        return np.sum(v[top * np.array([1, 1, 1])])  # the same place read three times

    compiled, eager = cr.jit(cr.grad(f)), cr.grad(f)
    for v in (np.array([1.0, 5.0, 2.0]), np.array([9.0, 5.0, 2.0])):
        np.testing.assert_array_equal(compiled(v), eager(v))
    assert compiled(np.array([1.0, 5.0, 2.0])).tolist() == [0.0, 3.0, 0.0]


def test_the_positions_are_operands_of_the_program():
    program = cr.jit(cr.grad(lambda a: np.sum(np.sort(a) * W[:3]))).lower(np.ones(3))
    text = program.show()
    assert "argsort" in text and "<operand 0>" in text


def test_a_boolean_mask_from_the_inputs_is_refused():
    with pytest.raises(JitError, match="boolean mask computed from the inputs"):
        cr.jit(lambda x: np.sum(x[x > 0]))(np.array([1.0, -1.0]))
    # the same selection written with np.where compiles
    f = cr.jit(cr.grad(lambda x: np.sum(np.where(x > 0, x, 0.0))))
    np.testing.assert_array_equal(f(np.array([1.0, -1.0])), [1.0, 0.0])


def test_a_shape_that_depends_on_the_data_is_refused_not_stale():
    def mean_above_one(x):
        return np.mean(x[np.flatnonzero(x > 1)])  # the count of selected entries varies

    compiled = cr.jit(mean_above_one)
    a, b = np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 3.0])
    assert compiled(a) == mean_above_one(a)
    with pytest.raises(JitError, match=r"gave a result of shape \(1,\) for these inputs, but "
                                       r"\(2,\) when the program was traced"):
        compiled(b)  # would otherwise divide by the traced count, 2
    unique_mean = cr.jit(lambda x: np.mean(np.unique(np.floor(x))))
    assert unique_mean(a) == 2.0
    with pytest.raises(JitError, match="depends on the data"):
        unique_mean(b)
    with pytest.raises(JitError, match="not an array"):
        cr.jit(lambda x: np.mean(x[np.nonzero(x > 0)]))(a)
