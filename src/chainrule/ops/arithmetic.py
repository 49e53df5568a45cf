"""Arithmetic primitives: + - * / and negation, the operators of every traced value
(``**`` is ``ops/power.py``: its rules need ``log``)."""

from __future__ import annotations

import numpy as np

from chainrule.primitive import Primitive

__all__ = ["add", "subtract", "multiply", "divide", "true_divide", "negative"]

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
