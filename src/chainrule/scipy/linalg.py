"""``chainrule.scipy.linalg``: SciPy's linear-algebra functions, differentiable (forward and
reverse mode, any order), with SciPy's signatures.

Triangular solves and factorizations live in ``ops/triangular.py``, matrix functions and the
Sylvester solver in ``ops/matrix_functions.py``. ``scipy.linalg.expm(x)`` itself cannot see a
traced ``x`` (SciPy converts it to a plain array, which chainrule refuses): call these instead.

Example:
    >>> import chainrule as cr, numpy as np
    >>> from chainrule.scipy import linalg
    >>> round(float(cr.grad(lambda a: linalg.expm(a).sum())(np.zeros((1, 1)))[0, 0]), 6)
    1.0
"""

from chainrule.ops.matrix_functions import (
    block_diag,
    expm,
    logm,
    solve_sylvester,
    sqrtm,
)
from chainrule.ops.triangular import (
    cho_factor,
    cho_solve,
    lu_factor,
    lu_solve,
    solve_triangular,
)

__all__ = [
    "solve_triangular", "cho_factor", "cho_solve", "lu_factor", "lu_solve", "expm", "logm",
    "sqrtm", "solve_sylvester", "block_diag",
]
