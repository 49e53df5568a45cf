"""Every registered primitive on a strict Array API namespace (``array-api-strict``, dev extra),
through the registry's specs: each case either runs in that namespace, giving NumPy's value and
NumPy's derivatives in both modes with every result still an array-api-strict array, or raises
``BackendError`` (not ported yet, said plainly). Nothing may come back as a NumPy array, and no
other error may come out: that would be a silent copy or a confusing failure (DESIGN.md
principle 5; issue 12). ``tests/strict_ported.txt`` lists the specs that run, so a port that
breaks, or one that starts working unlisted, fails here.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

import chainrule as cr
from chainrule.backend import BackendError, namespace
from tests.specs.base import Spec
from tests.test_ops import CASES, IDS

xp = pytest.importorskip("array_api_strict", reason="array-api-strict (dev extra) not installed")

with open(os.path.join(os.path.dirname(__file__), "strict_ported.txt")) as _f:
    PORTED = {line.strip() for line in _f if line.strip() and not line.startswith("#")}


def _ones(o):
    return xp.ones_like(o) if namespace(o) is xp else np.ones_like(o)


def _run(spec: Spec, args, tangents):
    out, back = cr.vjp(spec.fn, *args)
    leaves, structure = cr.tree_flatten(out)
    grads = cr.tree_leaves(back(cr.tree_unflatten(structure, [_ones(o) for o in leaves])))
    _, tangent = cr.jvp(spec.fn, tuple(args), tuple(tangents))
    return [*leaves, *grads, *cr.tree_leaves(tangent)]


@pytest.mark.parametrize(("spec", "case"), CASES, ids=IDS)
def test_runs_in_the_strict_namespace_or_refuses(spec: Spec, case: int):
    xs = spec.inputs(case)
    ts = [np.full_like(x, 0.5) for x in xs]
    try:
        got = _run(spec, [xp.asarray(x) for x in xs], [xp.asarray(t) for t in ts])
    except BackendError:
        assert spec.name not in PORTED, f"{spec.name} is listed as ported but refused"
        return
    assert spec.name in PORTED, f"{spec.name} now runs on array-api-strict: list it in PORTED"
    expected = _run(spec, xs, ts)
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert namespace(g) is xp, f"{spec.name}: a result left the array-api-strict namespace"
        np.testing.assert_allclose(np.asarray(g), e, rtol=1e-12, atol=1e-12)
