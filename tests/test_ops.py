"""Registry-driven checks of every primitive (DESIGN.md principle 4).

For each Spec case: the forward value against NumPy in float64 and float32 (dtype kept), VJP and
JVP against central finite differences to second order (``cr.check_grad``, seed 3.2.10), VJP/JVP
consistency <u, J v>, and float32 gradients staying float32. A registered primitive that no spec
covers fails the suite.
"""

from __future__ import annotations

import importlib
import pkgutil

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy  # noqa: F401  (registers every primitive)
from chainrule.primitive import REGISTRY
from tests import specs
from tests.specs.base import Spec


def _all_specs() -> list[Spec]:
    found: list[Spec] = []
    for info in pkgutil.iter_modules(specs.__path__):
        if info.name != "base":
            found.extend(importlib.import_module(f"tests.specs.{info.name}").SPECS)
    return found


SPECS = _all_specs()
CASES = [(s, k) for s in SPECS for k in range(len(s.shapes))]
IDS = [f"{s.name}-{'x'.join(map(str, s.shapes[k])) or 'scalar'}" for s, k in CASES]


def _leaves(x):
    return cr.tree_leaves(x)


def test_every_registered_primitive_has_a_spec():
    covered = {p for s in SPECS for p in s.prims}
    missing = sorted(set(REGISTRY) - covered)
    assert not missing, f"primitives without a test spec in tests/specs/: {missing}"
    unknown = sorted(covered - set(REGISTRY))
    assert not unknown, f"specs name primitives that are not registered: {unknown}"


def test_spec_names_are_unique():
    names = [s.name for s in SPECS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(("spec", "case"), CASES, ids=IDS)
def test_forward_matches_numpy(spec: Spec, case: int):
    xs = spec.inputs(case)
    precisions = (((np.complex128, 1e-12), (np.complex64, 1e-5)) if spec.complex else
                  ((np.float64, 1e-12), (np.float32, 1e-5)))
    for dtype, rtol in precisions:
        args = [x.astype(dtype) for x in xs]
        expected = _leaves(spec.ref(*[a.copy() for a in args]))
        # Traced: evaluate through a transformation so the traced code path runs.
        got = _leaves(cr.jvp(spec.fn, tuple(args), tuple(np.zeros_like(a) for a in args))[0])
        assert len(got) == len(expected)
        for g, e in zip(got, expected, strict=True):
            np.testing.assert_allclose(np.asarray(g), e, rtol=rtol, atol=rtol)
            if np.result_type(e).kind in "fc":
                assert np.result_type(g) == np.result_type(e), (dtype, spec.name)
        # Untraced: plain arrays run the NumPy implementation directly.
        plain = _leaves(spec.fn(*args))
        for g, e in zip(plain, expected, strict=True):
            np.testing.assert_allclose(np.asarray(g), e, rtol=rtol, atol=rtol)


@pytest.mark.parametrize(("spec", "case"), CASES, ids=IDS)
def test_derivatives_match_finite_differences(spec: Spec, case: int):
    cr.check_grad(spec.fn, *spec.inputs(case), modes=spec.modes, order=spec.order,
                  kink=spec.kink)


@pytest.mark.parametrize(("spec", "case"), CASES, ids=IDS)
def test_vjp_and_jvp_agree(spec: Spec, case: int):
    if set(spec.modes) != {"fwd", "rev"}:
        pytest.skip("spec checks one mode only")
    xs = spec.inputs(case)
    rng = np.random.default_rng(1)
    vs = tuple(_random_like(x, rng) for x in xs)
    out, tangent = cr.jvp(spec.fn, tuple(xs), vs)
    us = cr.tree_map(lambda o: _random_like(o, rng), out)
    cotangents = cr.vjp(spec.fn, *xs)[1](us)
    lhs = sum(_pair(u, t) for u, t in zip(_leaves(us), _leaves(tangent), strict=True))
    rhs = sum(_pair(c, v) for c, v in zip(cotangents, vs, strict=True))
    assert lhs == pytest.approx(rhs, rel=1e-9, abs=1e-9)


def _random_like(x, rng):
    """A random array shaped like ``x``, complex (both parts drawn) where ``x`` is complex."""
    r = rng.standard_normal(np.shape(x))
    if np.result_type(x).kind == "c":
        r = r + 1j * rng.standard_normal(np.shape(x))
    return r.astype(np.result_type(x)) if np.result_type(x).kind in "fc" else r


def _pair(a, b) -> float:
    """Re(sum(a * b)): a cotangent paired with a tangent (the complex convention,
    chainrule/ops/complex.py; the dot product for real values)."""
    return float(np.sum(np.asarray(a) * np.asarray(b)).real)


@pytest.mark.parametrize(("spec", "case"), CASES, ids=IDS)
def test_float32_derivatives_stay_float32(spec: Spec, case: int):
    single = np.complex64 if spec.complex else np.float32
    xs = tuple(x.astype(single) for x in spec.inputs(case))
    out, back = cr.vjp(spec.fn, *xs)
    ones = cr.tree_map(lambda o: np.ones(np.shape(o), dtype=np.result_type(o)), out)
    if "rev" in spec.modes:
        for c in back(ones):
            assert c.dtype == single
    if "fwd" in spec.modes:
        tangents = tuple(np.ones_like(x) for x in xs)
        for t in _leaves(cr.jvp(spec.fn, xs, tangents)[1]):
            if np.result_type(t).kind in "fc":
                assert np.result_type(t) in (np.float32, np.complex64)
