"""Arithmetic primitives: + - * / ** and negation, the operators of every traced value."""

from __future__ import annotations

import numpy as np

from chainrule.ops.define import elementwise
from chainrule.primitive import Primitive

__all__ = ["add", "subtract", "multiply", "divide", "true_divide", "negative", "power"]

# Linear operations get explicit rules: multiplying by a partial of 1 would waste a pass.
add = Primitive("add", np.add, save_args=False, save_ans=False, register=True)
add.defvjp(lambda g, ans, x, y: g, lambda g, ans, x, y: g)
add.defjvp(lambda t, ans, x, y: t, lambda t, ans, x, y: t)

subtract = Primitive("subtract", np.subtract, save_args=False, save_ans=False, register=True)
subtract.defvjp(lambda g, ans, x, y: g, lambda g, ans, x, y: -g)
subtract.defjvp(lambda t, ans, x, y: t, lambda t, ans, x, y: -t)

negative = Primitive("negative", np.negative, save_args=False, save_ans=False, register=True)
negative.defvjp(lambda g, ans, x: -g)
negative.defjvp(lambda t, ans, x: -t)

multiply = Primitive("multiply", np.multiply, save_ans=False, register=True)
multiply.defvjp(lambda g, ans, x, y: g * y, lambda g, ans, x, y: g * x)
multiply.defjvp(lambda t, ans, x, y: t * y, lambda t, ans, x, y: x * t)

# d(x/y)/dx = 1/y ; d(x/y)/dy = -x/y^2 = -ans/y  (written as divisions: one array op fewer)
divide = Primitive("divide", np.divide, save_args=True, save_ans=True, register=True)
divide.defvjp(lambda g, ans, x, y: g / y, lambda g, ans, x, y: -g * ans / y)
divide.defjvp(lambda t, ans, x, y: t / y, lambda t, ans, x, y: -t * ans / y)
true_divide = divide


def _dpow_dx(ans, x, y):
    # y * x**(y-1); written as a product so that an integer constant y stays exact. Where
    # y == 0 the power is the constant 1, whose derivative is 0 even at x == 0 (where the
    # product would be 0 * inf = nan); this also makes every higher derivative of x**n at 0
    # finite, since the chain ends at x**0.
    if y.__class__ is int or y.__class__ is float or isinstance(y, np.generic):
        if y == 0:  # one scalar comparison: the common x**2 pays nothing more
            return np.zeros_like(primal(x))
        return y * x ** (y - 1)
    yp = y if y.__class__ is np.ndarray else np.asarray(primal(y))
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

from chainrule.ops.elementwise import log, where  # noqa: E402
from chainrule.tracer import primal  # noqa: E402
