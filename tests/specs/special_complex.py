"""Complex specs of the scipy.special functions SciPy defines for complex arguments: erf, erfc,
ndtr, log_ndtr, xlogy, xlog1py, gamma, rgamma, loggamma, digamma (psi), the Bessel functions jv,
yv, iv, kv of complex argument and real order, the scaled ive (not holomorphic), and logsumexp,
softmax and log_softmax. Inputs are sampled away from the poles (gamma's at 0, -1, ...) and the
branch cuts (on the negative real axis for log-like functions and non-integer orders).
Empty without SciPy (an optional extra).
"""


import chainrule.numpy as cnp
from tests.specs.base import Spec

try:
    import scipy.special as sc

    from chainrule.scipy import special as csp  # registers the special-function primitives
except ImportError:  # SciPy not installed
    sc = csp = None

UNARY = (((),), ((4,),), ((2, 3),))
BINARY = (((3,), (3,)), ((2, 3), (3,)), ((), (2, 3)))
VECTOR_MATRIX = (((4,),), ((2, 3),))
_RE, _IM = (-2.0, 2.0), (-1.0, 1.0)


def _box(real, imag):
    """Complex samples with real part in ``real`` and imaginary part in ``imag``."""

    def sample(rng, shapes):
        return [rng.uniform(*real, size=s) + 1j * rng.uniform(*imag, size=s) for s in shapes]

    return sample


def _unary(name, label=None, prim=None, **options):
    f = getattr(sc, name)
    return Spec(f"complex-special-{label or name}", lambda z: f(z), f, UNARY, (prim or name,),
                complex=True, covers=(name,), **options)


def _ordered(name, order, prim, label, **options):
    f = getattr(sc, name)
    return Spec(f"complex-special-{label}", lambda z: f(order, z),
                lambda z: f(order, z).astype(z.dtype), UNARY, (prim,), complex=True,
                covers=(name,), **options)


def _both(name, f, shapes, **options):
    """A spec whose chainrule and SciPy calls take the same keyword options."""
    return Spec(f"complex-special-{name}", lambda *xs: f(csp, *xs), lambda *xs: f(sc, *xs),
                shapes, (), complex=True, covers=(name.split("-")[0],), **options)


SPECS = [] if sc is None else [
    _unary("erf", domain=(-1.5, 1.5)),
    _unary("erfc", domain=(-1.5, 1.5)),
    _unary("ndtr", domain=(-2.0, 2.0)),
    _unary("log_ndtr", domain=(0.2, 1.5)),
    Spec("complex-special-xlogy", lambda x, y: sc.xlogy(x, y), sc.xlogy, BINARY, ("xlogy",),
         domain=(0.3, 2.0), complex=True, covers=("xlogy",)),
    Spec("complex-special-xlog1py", lambda x, y: sc.xlog1py(x, y), sc.xlog1py, BINARY,
         ("xlog1py",), domain=(0.3, 2.0), complex=True, covers=("xlog1py",)),
    # the gamma family: psi' at complex points is chainrule's own polygamma
    _unary("gamma", domain=(0.3, 2.5)),
    _unary("gamma", "gamma-left", sample=_box((-1.8, -1.2), (-1.0, 1.0))),
    _unary("rgamma", domain=(0.3, 2.5)),
    _unary("rgamma", "rgamma-left", sample=_box((-2.8, -2.2), (-1.0, 1.0))),
    _unary("loggamma", domain=(0.3, 3.0)),
    _unary("digamma", domain=(0.3, 3.0)),
    _unary("psi", "psi-left", "digamma", sample=_box((-1.7, -1.3), (0.3, 1.5))),
    # Bessel functions of complex argument and real order (a constant)
    _ordered("jv", 2.5, "jv", "jv-2.5", domain=(0.3, 3.0)),
    _ordered("jn", 2, "jv", "jn-2", domain=(-2.0, 2.0)),
    _ordered("yv", 1.5, "yv", "yv-1.5", domain=(0.3, 3.0)),
    _ordered("iv", 0.5, "iv", "iv-0.5", domain=(0.3, 3.0)),
    _ordered("iv", 3, "iv", "iv-3", domain=(-2.0, 2.0)),
    _ordered("kv", 1.5, "kv", "kv-1.5", domain=(0.3, 3.0)),
    # ive = iv exp(-|Re z|) is not holomorphic; both signs of Re z, away from Re z = 0
    _ordered("ive", 1, "ive", "ive-1", sample=_box((0.3, 2.5), (-2.0, 2.0))),
    _ordered("ive", 2, "ive", "ive-2-left", sample=_box((-2.5, -0.3), (-2.0, 2.0))),
    # compositions (chainrule/scipy/_logsumexp.py): SciPy's complex semantics
    # (phases of the terms in (-1, 1): the sums stay off the cut of log, where the imaginary
    # part of SciPy's value is wrapped to (-pi, pi])
    _both("logsumexp", lambda m, a: m.logsumexp(a), VECTOR_MATRIX, sample=_box(_RE, _IM)),
    _both("logsumexp-axis", lambda m, a: m.logsumexp(a, axis=-1, keepdims=True),
          VECTOR_MATRIX, sample=_box((-3.0, 3.0), _IM)),
    _both("logsumexp-b", lambda m, a, b: m.logsumexp(a, axis=-1, b=b),
          (((2, 3), (2, 3)), ((2, 3), (3,))), sample=_box((0.2, 2.0), (-0.5, 0.5))),
    _both("logsumexp-sign", lambda m, a: m.logsumexp(a, axis=0, return_sign=True)[0],
          VECTOR_MATRIX, sample=_box(_RE, _IM)),
    _both("logsumexp-phase", lambda m, a: m.logsumexp(a, axis=0, return_sign=True)[1],
          VECTOR_MATRIX, sample=_box(_RE, _IM)),
    _both("softmax", lambda m, a: m.softmax(a, axis=-1), VECTOR_MATRIX),
    # chainrule.numpy's own logsumexp (ops/reduce.py) gives SciPy's complex values too
    Spec("complex-numpy-logsumexp", lambda a, b: cnp.logsumexp(a, axis=-1, b=b),
         lambda a, b: sc.logsumexp(a, axis=-1, b=b), (((2, 3), (2, 3)), ((3,), ())), (),
         sample=_box((-2.0, 2.0), (-0.5, 0.5)), complex=True, covers=("logsumexp",)),
    Spec("complex-numpy-logsumexp-phase",
         lambda a: cnp.logsumexp(a, axis=0, return_sign=True)[1],
         lambda a: sc.logsumexp(a, axis=0, return_sign=True)[1], VECTOR_MATRIX, (),
         sample=_box(_RE, _IM), complex=True, covers=("logsumexp",)),
    Spec("complex-numpy-logsumexp-sign",
         lambda a: cnp.logsumexp(a, return_sign=True)[0],
         lambda a: sc.logsumexp(a, return_sign=True)[0], VECTOR_MATRIX, (),
         sample=_box(_RE, _IM), complex=True, covers=("logsumexp",)),
    _both("log_softmax", lambda m, a: m.log_softmax(a, axis=-1), VECTOR_MATRIX),
]
