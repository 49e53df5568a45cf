"""``chainrule.numpy``: NumPy's functions, differentiable, as an explicit namespace.

The same functions run when unmodified NumPy code (``np.exp(x)``, ``np.sum(x, axis=1)``) is
called on traced values; importing them from here makes the differentiable set explicit.
Functions without a derivative (comparisons, ``argmax``, ``floor`` ...) return plain constants;
creation functions (``zeros``, ``arange``, ``random``) give constants.

Example:
    >>> import chainrule as cr
    >>> import chainrule.numpy as cnp
    >>> float(cr.grad(lambda x: cnp.sum(cnp.exp(x)))(cnp.zeros(3))[0])
    1.0
"""

import numpy as np

from chainrule.numpy import dispatch as _dispatch
from chainrule.numpy import fft, linalg
from chainrule.ops.arithmetic import *  # noqa: F403
from chainrule.ops.arithmetic import __all__ as _arithmetic
from chainrule.ops.complex import *  # noqa: F403
from chainrule.ops.complex import __all__ as _complex
from chainrule.ops.constant import *  # noqa: F403
from chainrule.ops.constant import __all__ as _constant
from chainrule.ops.convolve import *  # noqa: F403
from chainrule.ops.convolve import __all__ as _convolve
from chainrule.ops.counting import *  # noqa: F403
from chainrule.ops.counting import __all__ as _counting
from chainrule.ops.creation import *  # noqa: F403
from chainrule.ops.creation import __all__ as _creation
from chainrule.ops.cross import *  # noqa: F403
from chainrule.ops.cross import __all__ as _cross
from chainrule.ops.cumulative import *  # noqa: F403
from chainrule.ops.cumulative import __all__ as _cumulative
from chainrule.ops.differences import *  # noqa: F403
from chainrule.ops.differences import __all__ as _differences
from chainrule.ops.elementwise import *  # noqa: F403
from chainrule.ops.elementwise import __all__ as _elementwise
from chainrule.ops.elementwise_more import *  # noqa: F403
from chainrule.ops.elementwise_more import __all__ as _elementwise_more
from chainrule.ops.getitem import *  # noqa: F403
from chainrule.ops.getitem import __all__ as _getitem
from chainrule.ops.indexing import *  # noqa: F403
from chainrule.ops.indexing import __all__ as _indexing
from chainrule.ops.join import *  # noqa: F403
from chainrule.ops.join import __all__ as _join
from chainrule.ops.linalg import *  # noqa: F403
from chainrule.ops.linalg import __all__ as _linalg
from chainrule.ops.nanreduce import *  # noqa: F403
from chainrule.ops.nanreduce import __all__ as _nanreduce
from chainrule.ops.order_statistics import *  # noqa: F403
from chainrule.ops.order_statistics import __all__ as _order_statistics
from chainrule.ops.padding import *  # noqa: F403
from chainrule.ops.padding import __all__ as _padding
from chainrule.ops.pieces import *  # noqa: F403
from chainrule.ops.pieces import __all__ as _pieces
from chainrule.ops.polynomials import *  # noqa: F403
from chainrule.ops.polynomials import __all__ as _polynomials
from chainrule.ops.power import *  # noqa: F403
from chainrule.ops.power import __all__ as _power
from chainrule.ops.reduce import *  # noqa: F403
from chainrule.ops.reduce import __all__ as _reduce
from chainrule.ops.shape import *  # noqa: F403
from chainrule.ops.shape import __all__ as _shape
from chainrule.ops.statistics import *  # noqa: F403
from chainrule.ops.statistics import __all__ as _statistics

__all__ = [
    *_arithmetic, *_complex, *_elementwise, *_reduce, *_shape, *_indexing, *_linalg,
    *_constant, "linalg",
    *_convolve, "fft", *_cross,
    *_creation, *_counting, *_differences, *_elementwise_more, *_nanreduce, *_order_statistics,
    *_pieces, *_polynomials, *_power, *_join, *_padding, *_getitem,
    *_cumulative, *_statistics,
]

_dispatch.build_tables()

# Traced values get their NumPy face (operators, methods, protocols) now that it exists.
from chainrule.numpy import array_methods as _array_methods  # noqa: E402

_array_methods.install()


def __getattr__(name: str):
    """``chainrule.numpy.random`` is ``numpy.random`` (random numbers are constants), loaded on
    first use: importing it costs more than the rest of the namespace (PEP 562)."""
    if name == "random":
        return np.random
    raise AttributeError(f"module 'chainrule.numpy' has no attribute {name!r}")
