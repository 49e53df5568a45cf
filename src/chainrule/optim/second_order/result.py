"""The result of ``minimize``: SciPy's field names, so code written for
``scipy.optimize.minimize`` reads ours unchanged.
"""

from __future__ import annotations

import dataclasses
from typing import Any

# status codes, as in SciPy where SciPy has one
SUCCESS = 0
MAXITER = 1
LINE_SEARCH_FAILED = 2
NON_FINITE = 3
CALLBACK_STOP = 99


@dataclasses.dataclass
class OptimizeResult:
    """What ``minimize`` found and what it cost.

    ``x`` and ``jac`` have the structure of ``x0`` (a pytree of float64 arrays); ``fun`` is the
    loss at ``x``. ``nfev``/``njev`` count loss/gradient evaluations (one
    ``cr.value_and_grad`` call is one of each), ``nhev`` counts Hessian-vector products
    (``hessian-free``) or whole Hessians (``newton``). ``status`` is 0 on success, 1 when
    ``maxiter`` ran out, 2 when a line search failed, 3 on a non-finite value, 99 when the
    callback stopped the run. Fields can also be read as ``result["x"]``, as SciPy allows.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim.second_order import minimize
        >>> res = minimize(lambda x: np.sum((x - 3.0) ** 2), np.zeros(2), method="newton")
        >>> res.success, res.x.tolist(), res.nit
        (True, [3.0, 3.0], 1)
    """

    x: Any
    fun: float
    jac: Any
    nit: int
    nfev: int
    njev: int
    nhev: int
    success: bool
    status: int
    message: str
    method: str = ""

    def __getitem__(self, name: str) -> Any:
        if name not in self.keys():
            raise KeyError(f"OptimizeResult has no field {name!r}; fields: {self.keys()}")
        return getattr(self, name)

    def keys(self) -> list[str]:
        return [f.name for f in dataclasses.fields(self)]

    def __repr__(self) -> str:
        width = max(len(k) for k in self.keys())
        lines = []
        for k in self.keys():
            v = getattr(self, k)
            text = repr(v).replace("\n", "\n" + " " * (width + 2))
            lines.append(f"{k.rjust(width)}: {text}")
        return "\n".join(lines)
