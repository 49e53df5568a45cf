"""``chainrule.numpy.linalg``: differentiable ``numpy.linalg`` functions.

Each ops module lists what it adds to this namespace in its ``LINALG_ALL`` (functions of the
same name), or in a ``LINALG`` dict where the ``numpy.linalg`` function differs from the
``numpy`` one of the same name (``linalg.trace`` works on the last two axes).
"""

from chainrule.ops import cross as _cross
from chainrule.ops import decompositions as _decompositions
from chainrule.ops import eig as _eig
from chainrule.ops import linalg as _linalg
from chainrule.ops import linalg_composed as _composed
from chainrule.ops import lstsq as _lstsq
from chainrule.ops import norm as _norm
from chainrule.ops import qr as _qr
from chainrule.ops import svd as _svd

__all__: list[str] = []
CONSTANTS = ("matrix_rank",)  # no derivative to carry: an integer
for _module in (_linalg, _decompositions, _norm, _svd, _qr, _lstsq, _composed, _eig, _cross):
    for _name in getattr(_module, "LINALG_ALL", ()):
        globals()[_name] = getattr(_module, _name)
        __all__.append(_name)
    for _name, _function in getattr(_module, "LINALG", {}).items():
        globals()[_name] = _function
        __all__.append(_name)
