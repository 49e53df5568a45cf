"""``chainrule.numpy.fft``: differentiable ``numpy.fft`` (``np.fft.*`` on traced values lands
here). The transforms live in ``ops/fft.py`` (the primitives and 1-D functions) and
``ops/fftn.py`` (n-d transforms and shifts). The frequency grids are NumPy's own functions:
they are plain arithmetic in the sample spacing ``d``, so a traced ``d`` differentiates.

Example:
    >>> import chainrule as cr
    >>> import chainrule.numpy as cnp
    >>> cr.grad(lambda x: cnp.fft.irfft(cnp.fft.rfft(x)).sum())(cnp.ones(4)).tolist()
    [1.0, 1.0, 1.0, 1.0]
"""

import numpy as _np

from chainrule.ops.fft import *  # noqa: F403
from chainrule.ops.fft import __all__ as _one_d
from chainrule.ops.fftn import *  # noqa: F403
from chainrule.ops.fftn import __all__ as _n_d

# Frequency grids: integer sizes times 1 / (n d), differentiable in d by ordinary arithmetic.
fftfreq = _np.fft.fftfreq
rfftfreq = _np.fft.rfftfreq

__all__ = [*_one_d, *_n_d, "fftfreq", "rfftfreq"]
