"""``chainrule.numpy.linalg``: differentiable ``numpy.linalg`` functions.

Each ops module lists what it adds to this namespace in its ``LINALG_ALL``.
"""

from chainrule.ops import eig as _eig
from chainrule.ops import linalg as _linalg
from chainrule.ops import linalg_composed as _composed
from chainrule.ops import lstsq as _lstsq
from chainrule.ops import qr as _qr
from chainrule.ops import reduce as _reduce
from chainrule.ops import svd as _svd

__all__: list[str] = []
for _module in (_linalg, _reduce, _svd, _qr, _lstsq, _composed, _eig):
    for _name in getattr(_module, "LINALG_ALL", ()):
        globals()[_name] = getattr(_module, _name)
        __all__.append(_name)
