"""New primitives run in the array namespace of their operands (DESIGN.md principle 5).

Each implementation below is called on ``array-api-strict`` arrays, a namespace that accepts
nothing but the Array API standard: the result must stay in that namespace and equal NumPy's.
Primitives whose functions the standard lacks call NumPy or SciPy directly (special functions,
convolutions, eig, lstsq, the SciPy matrix functions, odeint); the engine itself is moved to
other backends by issue 12.
"""

import numpy as np
import pytest

import chainrule.numpy  # noqa: F401  (registers the primitives)
from chainrule.backend import namespace
from chainrule.primitive import REGISTRY

xp = pytest.importorskip("array_api_strict", reason="array-api-strict (dev extra) not installed")

_RNG = np.random.default_rng(0)
_A = _RNG.standard_normal((3, 3))
_Z = _A + 1j * _RNG.standard_normal((3, 3))

CASES = {
    "real": ((_Z,), {}),
    "imag": ((_Z,), {}),
    "conj": ((_Z,), {}),
    "angle": ((_Z,), {}),
    "fftn": ((_Z,), {"axes": (0, 1), "norm": "ortho", "inverse": True}),
    "rfft": ((_A,), {"axis": -1, "n": 3, "norm": "forward"}),
    "irfft": ((_Z[:, :2],), {"axis": 0, "n": 4, "norm": "backward"}),
    "svd_values": ((_A,), {"hermitian": False}),
    "svd_u": ((_Z,), {"full_matrices": False, "hermitian": False}),
    "svd_vh": ((_A,), {"full_matrices": True, "hermitian": False}),
    "qr_q": ((_Z,), {"complete": False}),
    "qr_r": ((_A,), {"complete": True}),
    "pinv": ((_A,), {"rcond": 1e-15, "hermitian": False}),
}


def test_namespace_of_operands():
    assert namespace(np.ones(2), 1.0) is np
    assert namespace(2.0, xp.asarray([1.0])) is xp


@pytest.mark.parametrize("name", sorted(CASES))
def test_primitive_runs_in_its_operands_namespace(name):
    args, params = CASES[name]
    impl = REGISTRY[name].impl
    out = impl(*[xp.asarray(a) for a in args], **params)
    assert namespace(out) is xp, f"{name} left the array-api-strict namespace"
    np.testing.assert_allclose(np.asarray(out), impl(*args, **params), rtol=1e-12, atol=1e-12)
