"""``cr.jit`` on every registered primitive, through the registry's specs (issue 13): the
compiled value and derivatives (reverse mode, and forward over reverse for the second order)
equal the eager ones, or compiling refuses with ``JitError`` before any result is returned.
A compiled result that differs from eager would be a stale or wrong program: it fails here."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.jit import JitError, jit
from tests.specs.base import Spec
from tests.test_ops import CASES, IDS


def first_order(spec: Spec):
    def run(*xs):
        out, back = cr.vjp(spec.fn, *xs)
        leaves, structure = cr.tree_flatten(out)
        ones = [np.ones_like(o) for o in leaves]
        return out, back(cr.tree_unflatten(structure, ones))
    return run


def second_order(spec: Spec, tangents):
    run = first_order(spec)

    def tangent(*xs):
        return cr.jvp(lambda *ys: run(*ys)[1], xs, tuple(tangents))[1]
    return tangent


# Cases whose program computes differently from eager, so the last bit may differ: a NumPy
# scalar argument is a constant of the program, computed by NumPy's scalar arithmetic where the
# eager tracer computes on a 0-d array; power with an array exponent takes its general form
# inside cr.jit (no shortcut read from the exponent's data); so do the distributions' support
# masks, which broadcast a shape parameter against the others (its gradient is then summed
# over the broadcast axes at the mask, not later).
NOT_THE_SAME_OPERATIONS = {"complex-square-()", "complex-power-int-(3,)",
                           "complex-power-int-(2, 3)", "complex-special-gamma-left-()",
                           "complex-special-rgamma-left-()", "stats-beta-logpdf-(2, 3)x(3,)x(2, 1)",
                           "stats-beta-pdf-(2, 3)x(3,)x(2, 1)"}


def assert_same(got, want, case_id):
    g, w = cr.tree_leaves(got), cr.tree_leaves(want)
    assert len(g) == len(w), case_id
    for a, b in zip(g, w, strict=True):
        assert type(a) is type(b) or np.ndim(a) == 0, (case_id, type(a), type(b))
        assert np.result_type(a) == np.result_type(b), case_id
        if case_id in NOT_THE_SAME_OPERATIONS:
            np.testing.assert_allclose(a, b, rtol=1e-14, atol=1e-15, err_msg=case_id)
        else:  # the same operations: bit for bit
            np.testing.assert_array_equal(a, b, err_msg=case_id)


def compiled_or_refused(f, xs, case_id):
    try:
        want = f(*xs)
    except cr.NoDerivativeError:  # not defined eagerly either (e.g. a third derivative)
        return None
    try:
        compiled = jit(f)
        got = compiled(*xs)
    except JitError:
        return False
    assert_same(got, want, case_id)
    assert_same(compiled(*xs), want, case_id)  # the program itself, not the trace
    return True


@pytest.mark.parametrize(("spec", "case"), CASES, ids=IDS)
def test_compiled_equals_eager_or_refuses(spec: Spec, case: int):
    xs = spec.inputs(case)
    with np.errstate(all="ignore"):
        compiled_or_refused(first_order(spec), xs, IDS[CASES.index((spec, case))])
        if spec.complex:
            return
        ts = [np.full_like(x, 0.5) for x in xs]
        compiled_or_refused(second_order(spec, ts), xs, IDS[CASES.index((spec, case))])
