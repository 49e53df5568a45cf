"""``holomorphic_grad``: the complex derivative f'(z) of a holomorphic function.

Under the library's complex convention (``ops/complex.py``) the VJP of a holomorphic ``f`` with
the cotangent 1 is exactly ``f'(z)``, so this is one reverse pass; for other functions of
complex inputs ``grad`` of a real quantity is the right tool.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.backend import dtype_kind, ones_like
from chainrule.describe import describe
from chainrule.transforms import ArgNums, _argnums_tuple, _place, vjp
from chainrule.tree import tree_flatten


def holomorphic_grad(f: Callable, argnums: ArgNums = 0) -> Callable:
    """``f`` holomorphic, returning a complex scalar -> its complex derivative ``f'(z)``.

    With the library's convention (``chainrule/ops/complex.py``) this is the VJP of the
    cotangent 1. The result is right only where ``f`` is holomorphic (complex-differentiable);
    for other functions differentiate a real quantity with ``grad``. Real inputs are refused:
    give them a complex dtype.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> complex(cr.holomorphic_grad(lambda z: z ** 3)(np.complex128(1 + 1j)))
        6j
    """

    @functools.wraps(f)
    def holomorphic_grad_f(*args: Any, **kwargs: Any):
        fk = functools.partial(f, **kwargs) if kwargs else f
        nums = _argnums_tuple(argnums, len(args), "holomorphic_grad")
        for n in nums:
            for leaf in tree_flatten(args[n])[0]:
                if dtype_kind(leaf) != "c":
                    raise TypeError(
                        f"holomorphic_grad: argument {n} is a {describe(leaf)}; a complex "
                        "derivative needs complex inputs. Pass it as complex (e.g. "
                        "x.astype(complex)), or use cr.grad for real inputs."
                    )
        out, back = vjp(lambda *xs: fk(*_place(args, nums, xs)), *(args[n] for n in nums))
        if np.size(out) != 1 or dtype_kind(out) != "c":
            raise TypeError(
                f"holomorphic_grad({getattr(f, '__name__', 'f')}): the function must return a "
                f"complex scalar, but it returned a {describe(out)}."
            )
        g = back(ones_like(out))
        return g[0] if isinstance(argnums, int) else g

    return holomorphic_grad_f
