"""``chainrule.numpy.linalg``: differentiable ``numpy.linalg`` functions."""

from chainrule.ops import linalg as _linalg
from chainrule.ops import reduce as _reduce

__all__: list[str] = []
for _module in (_linalg, _reduce):
    for _name in getattr(_module, "LINALG_ALL", ()):
        globals()[_name] = getattr(_module, _name)
        __all__.append(_name)
