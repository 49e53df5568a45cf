"""Deferred primal values: outputs of forward-mode operations computed only when read.

In forward mode, an operation whose tangent rules do not read its output (``matmul``: the
tangent of ``a @ b`` is ``da @ b + a @ db``) need not compute that output unless something
reads it later. In a Hessian-vector product (forward over reverse) the gradient itself is such
a value: only its tangent is wanted, so its largest matrix products are never computed.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from chainrule.errors import annotated

if TYPE_CHECKING:
    from chainrule.primitive import Primitive


class Deferred:
    """A primal output not computed yet: its shape and dtype, and how to compute it.

    Only primitives that declare ``aval`` (their output's shape and dtype from the inputs') and
    whose JVP rules do not read the output are deferred; see ``ForwardTrace.process``.
    """

    __slots__ = ("prim", "args", "params", "shape", "dtype", "value")

    def __init__(self, prim: Primitive, args: list, params: dict, shape, dtype) -> None:
        self.prim, self.args, self.params = prim, args, params
        self.shape, self.dtype = shape, dtype
        self.value = None

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    def __len__(self) -> int:
        return self.shape[0]

    def force(self) -> Any:
        if self.value is None:
            self.value = run(self.prim, self.args, self.params)
            self.args = self.params = None
        return self.value


def run(prim: Primitive, vals: Any, params: dict, impl: Any = None) -> Any:
    """Run ``prim``'s implementation (``impl`` when given: ``xp_impl`` for other libraries'
    arrays) on plain values, naming the operation on failure."""
    try:
        return (impl or prim.impl)(*vals, **params)
    except (ValueError, TypeError, IndexError) as e:
        raise annotated(e, prim, vals, params) from e
