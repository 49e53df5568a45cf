"""The op registry on CuPy (issue 12): every spec case that runs on array-api-strict
(``tests/strict_ported.txt``) runs on the GPU in float64 and float32, giving NumPy's value, VJP
and JVP in the same dtype, with every result a CuPy array (nothing copied to the host)."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from tests.specs.base import Spec
from tests.test_ops import CASES, IDS
from tests.test_ops_strict import NUMPY_ONLY, PORTED

cupy = pytest.importorskip("cupy", reason="CuPy is not installed (the gpu extra)")

RUNS = [(s, k, i) for (s, k), i in zip(CASES, IDS, strict=True)
        if (s.name in PORTED or i in PORTED) and s.name not in NUMPY_ONLY]
TOLERANCE = {np.float64: (1e-10, 1e-10), np.float32: (2e-3, 2e-4)}


def _single(dtype, complex_: bool):
    if dtype is np.float64:
        return np.complex128 if complex_ else np.float64
    return np.complex64 if complex_ else np.float32


def _run(spec: Spec, args, tangents, ones):
    out, back = cr.vjp(spec.fn, *args)
    leaves, structure = cr.tree_flatten(out)
    grads = cr.tree_leaves(back(cr.tree_unflatten(structure, [ones(o) for o in leaves])))
    _, tangent = cr.jvp(spec.fn, tuple(args), tuple(tangents))
    return [*leaves, *grads, *cr.tree_leaves(tangent)]


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize(("spec", "case", "case_id"), RUNS, ids=[r[2] for r in RUNS])
def test_spec_on_cupy_equals_numpy(spec: Spec, case: int, case_id: str, dtype):
    want = _single(dtype, spec.complex)
    xs = [x.astype(want) if x.dtype.kind in "fc" else x for x in spec.inputs(case)]
    ts = [np.full_like(x, 0.5) for x in xs]
    got = _run(spec, [cupy.asarray(x) for x in xs], [cupy.asarray(t) for t in ts],
               cupy.ones_like)
    expected = _run(spec, xs, ts, np.ones_like)
    rtol, atol = TOLERANCE[dtype]
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert isinstance(g, cupy.ndarray), f"{case_id}: a result left the GPU ({type(g)})"
        assert g.dtype == np.asarray(e).dtype, f"{case_id}: dtype {g.dtype}, NumPy's {e.dtype}"
        scale = max(1.0, float(np.max(np.abs(e)))) if np.size(e) else 1.0
        np.testing.assert_allclose(cupy.asnumpy(g), e, rtol=rtol, atol=atol * scale)
