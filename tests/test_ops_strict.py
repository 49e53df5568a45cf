"""Every registered primitive on a strict Array API namespace (``array-api-strict``, dev extra),
through the registry's specs: each case either runs in that namespace, giving NumPy's value and
NumPy's derivatives in both modes with every result still an array-api-strict array on the
device of the inputs (not the library's default: ``tests/strict_device.py``), or raises
``BackendError`` (not ported yet, said plainly). Nothing may come back as a NumPy array, and no
other error may come out: that would be a silent copy or a confusing failure (DESIGN.md
principle 5; issue 12). ``tests/strict_ported.txt`` lists the specs that run (a spec name: all
its cases; a case id: that case), so a port that breaks, or one that starts working unlisted,
fails here. Specs whose own function is NumPy code (``NUMPY_ONLY``) are skipped, naming why.
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
from tests.strict_device import on_device, to_numpy  # noqa: E402  (after the skip)

with open(os.path.join(os.path.dirname(__file__), "strict_ported.txt")) as _f:
    PORTED = {line.strip() for line in _f if line.strip() and not line.startswith("#")}


_BUILDS = "the spec's function builds NumPy constants in the input's dtype ({})"
# Specs whose function is NumPy code by construction: given another library's arrays it fails in
# its own lines, before chainrule runs (a NumPy constant cast to that library's dtype).
NUMPY_ONLY = {
    **{name: _BUILDS.format("_Q/_P.astype(a.dtype)") for name in (
        "quantile", "quantile-lower", "quantile-higher", "quantile-nearest", "quantile-midpoint",
        "percentile", "nanquantile")},
    **{name: _BUILDS.format("a constant .astype(x.dtype)") for name in (
        "complex-cast", "index_update-constant-x", "polyval", "sinc-at-zero",
        "concatenate-three", "special-stdtr", "special-gammainc", "special-gammaincc",
        "special-betainc", "special-gammainc_da-2-x", "special-betainc_dab-20-x",
        "special-betainc_dab-11-x", "special-betainc_dab-02-x", "special-stdtr_ddf-2-t",
        "special-t_density_ddf-2-t")},
    **{name: _BUILDS.format("np.eye(n, dtype=a.dtype)") for name in (
        "stats-multivariate_normal-logpdf", "stats-multivariate_normal-pdf")},
}


def _ones(o):
    return xp.ones_like(o) if namespace(o) is xp else np.ones_like(o)


def _run(spec: Spec, args, tangents):
    out, back = cr.vjp(spec.fn, *args)
    leaves, structure = cr.tree_flatten(out)
    grads = cr.tree_leaves(back(cr.tree_unflatten(structure, [_ones(o) for o in leaves])))
    _, tangent = cr.jvp(spec.fn, tuple(args), tuple(tangents))
    return [*leaves, *grads, *cr.tree_leaves(tangent)]


@pytest.mark.parametrize(("spec", "case", "case_id"),
                         [(s, k, i) for (s, k), i in zip(CASES, IDS, strict=True)], ids=IDS)
def test_runs_in_the_strict_namespace_or_refuses(spec: Spec, case: int, case_id: str):
    if spec.name in NUMPY_ONLY:
        pytest.skip(f"{spec.name}: {NUMPY_ONLY[spec.name]}")
    ported = spec.name in PORTED or case_id in PORTED
    xs = spec.inputs(case)
    ts = [np.full_like(x, 0.5) for x in xs]
    try:
        got = _run(spec, [on_device(x) for x in xs], [on_device(t) for t in ts])
    except BackendError:
        assert not ported, f"{case_id} is listed as ported but refused"
        return
    assert ported, f"{case_id} now runs on array-api-strict: list it in strict_ported.txt"
    expected = _run(spec, xs, ts)
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert namespace(g) is xp, f"{spec.name}: a result left the array-api-strict namespace"
        np.testing.assert_allclose(to_numpy(g), e, rtol=1e-12, atol=1e-12)
