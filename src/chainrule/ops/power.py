"""``**``: the power primitive, apart from the other arithmetic because its derivative in the
exponent needs ``log`` (``d x**y / dy = log(x) x**y``), whose own rule needs division."""

from __future__ import annotations

import numpy as np

from chainrule.backend import any_foreign, namespace, zeros_like
from chainrule.ops.define import elementwise
from chainrule.ops.elementwise import log
from chainrule.ops.elementwise_binary import where
from chainrule.tracer import plain_array, primal

__all__ = ["power"]


def _dpow_dx(ans, x, y):
    # y * x**(y-1); written as a product so that an integer constant y stays exact. Where
    # y == 0 the power is the constant 1, whose derivative is 0 even at x == 0 (where the
    # product would be 0 * inf = nan); this also makes every higher derivative of x**n at 0
    # finite, since the chain ends at x**0.
    if y.__class__ is int or y.__class__ is float or isinstance(y, np.generic):
        if y == 0:  # one scalar comparison: the common x**2 pays nothing more
            px = primal(x)
            return zeros_like(px) if any_foreign(px) else np.zeros_like(px)
        return y * x ** (y - 1)
    if any_foreign(y):
        yp = primal(y)
        if int(namespace(yp).count_nonzero(yp)) == yp.size:
            return y * x ** (y - 1)
        return y * x ** (where(yp == 0, 0.0, y - 1))
    yp = y if y.__class__ is np.ndarray else plain_array(y)
    if getattr(yp, "_jit_value", False):  # inside cr.jit: the general form, no shortcut
        return y * x ** (where(yp == 0, 0.0, y - 1))
    if np.count_nonzero(yp) == yp.size:  # no zero exponent (the fastest test, ~0.3 us)
        return y * x ** (y - 1)
    zero = yp == 0
    # The exponent y - 1 is replaced by 0 where y == 0, so that 0 * x**0 = 0 and no inf is
    # formed (a masked inf would still give nan in the next derivative).
    return y * x ** (where(zero, 0.0, y - 1))


def _dpow_dy(ans, x, y):
    # log(x) * x**y. At x == 0 the limit of x**y log x is 0 (for y > 0): use log(1) = 0 there.
    if isinstance(x, int | float):  # a Python-scalar base stays weakly typed (NEP 50)
        return ans * (float(np.log(x)) if x != 0 else 0.0)
    return ans * log(where(x == 0, 1.0, x))


power = elementwise("power", np.power, _dpow_dx, _dpow_dy)
