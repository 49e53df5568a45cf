"""``chainrule.scipy.special``: differentiable ``scipy.special`` functions.

Real arguments throughout; complex ones where SciPy takes them and the function is holomorphic
(erf, erfc, ndtr, log_ndtr, xlogy, xlog1py, gamma, rgamma, loggamma, psi, jv, yv, iv, kv; also
ive, whose exp(-|Re z|) factor has its own rule, and logsumexp, softmax, log_softmax with SciPy's
complex semantics). The functions SciPy keeps real refuse complex traced values by name.

SciPy's special functions are NumPy ufuncs, so unmodified code calling ``scipy.special.erf(x)``
on a traced ``x`` reaches these functions through ``__array_ufunc__``: importing this module
registers them in ``dispatch.UFUNCS`` (``dispatch`` imports it by itself the first time a SciPy
ufunc meets a traced value). ``logsumexp``, ``softmax``, ``log_softmax`` and ``multigammaln``
are not ufuncs: SciPy converts their input to a plain array, so call them from here.

Orders (Bessel orders, polygamma's n) and multigammaln's dimension are constants: a traced
value there raises an error naming it. The shapes of the incomplete gamma and beta functions
(and stdtr's df) are differentiable to second order.

Example:
    >>> import numpy as np
    >>> import scipy.special
    >>> import chainrule as cr
    >>> float(cr.grad(lambda x: scipy.special.gammaln(x))(1.0))  # psi(1) = -Euler's constant
    -0.5772156649015329
"""

from __future__ import annotations

from typing import Any

import numpy as np

try:
    import scipy.special as _sc
except ImportError as _error:  # pragma: no cover  (exercised without SciPy installed)
    raise ImportError(
        "chainrule.scipy.special needs SciPy, an optional extra: pip install 'chainrule[scipy]'"
    ) from _error

from chainrule import numpy as _cnp
from chainrule.numpy import dispatch as _dispatch
from chainrule.ops.portable_c import refuse as _refuse
from chainrule.ops.special_bessel import *  # noqa: F403
from chainrule.ops.special_bessel import __all__ as _bessel
from chainrule.ops.special_common import constant_argument as _constant_argument
from chainrule.ops.special_common import real_only as _real_only
from chainrule.ops.special_common import traced as _traced
from chainrule.ops.special_distributions import *  # noqa: F403
from chainrule.ops.special_distributions import __all__ as _distributions
from chainrule.ops.special_error import *  # noqa: F403
from chainrule.ops.special_error import __all__ as _error_functions
from chainrule.ops.special_gamma import *  # noqa: F403
from chainrule.ops.special_gamma import __all__ as _gamma_family
from chainrule.ops.special_gamma import gammaln as _gammaln
from chainrule.ops.special_incomplete import *  # noqa: F403
from chainrule.ops.special_incomplete import __all__ as _incomplete
from chainrule.scipy._logsumexp import *  # noqa: F403
from chainrule.scipy._logsumexp import __all__ as _logsumexp
from chainrule.tracer import primal as _primal

CONSTANTS = ("gammasgn",)  # piecewise constant: no derivative to carry
__all__ = [
    *_error_functions, *_distributions, *_gamma_family, *_incomplete, "gammasgn", "multigammaln",
    *_bessel, *_logsumexp,
]


def gammasgn(x: Any, /, **kwargs: Any) -> Any:
    """``scipy.special.gammasgn``, the sign of gamma(x): piecewise constant, so a plain
    constant (its derivative is zero wherever it exists).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> float(cr.grad(lambda x: special.gammasgn(x) * special.gamma(x))(1.0))
        -0.5772156649015329
    """
    return _sc.gammasgn(_primal(x), **kwargs)


def multigammaln(a: Any, d: int) -> Any:
    """``scipy.special.multigammaln``, the log of the multivariate gamma function of dimension
    d (a constant integer): d (d-1)/4 log(pi) + sum_j gammaln(a - (j-1)/2), differentiable in a.
    On traced values float32 stays float32.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> round(float(cr.grad(lambda a: special.multigammaln(a, 1))(1.0)), 6)
        -0.577216
    """
    _constant_argument("multigammaln", "the dimension d", d, "d is an integer dimension")
    _refuse("scipy.special.multigammaln", a)
    if not _traced(a):
        return _sc.multigammaln(a, d)
    _real_only("multigammaln", a)
    d = np.asarray(d)[()]
    if not np.isscalar(d) or (np.floor(d) != d):
        raise ValueError("multigammaln: d should be a positive integer (dimension)")
    if np.any(_primal(a) <= 0.5 * (d - 1)):
        raise ValueError(f"multigammaln: the condition a > 0.5 * (d-1) ({0.5 * (d - 1)}) is "
                         "not met")
    # SciPy's arithmetic, term for term: a constant plus the sum of the gammaln terms. The
    # constant is a Python float, so float32 stays float32 (SciPy's result is float64).
    res = float((d * (d - 1) * 0.25) * np.log(np.pi))
    terms = _cnp.stack([a - (j - 1.0) / 2 for j in range(1, int(d) + 1)])
    return res + _cnp.sum(_gammaln(terms), axis=0)


def _register_ufuncs() -> None:
    """Map each SciPy ufunc to its chainrule function (``dispatch.UFUNCS``), so that
    ``scipy.special.erf(x)`` on a traced ``x`` is differentiated."""
    for name in __all__:
        target = getattr(_sc, name, None)
        if isinstance(target, np.ufunc):
            _dispatch.UFUNCS[target] = globals()[name]


_register_ufuncs()
