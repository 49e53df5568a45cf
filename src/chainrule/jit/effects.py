"""Instructions with effects inside ``cr.jit``: checks on the data that run on every call of
the program (``guard``), and random draws from a generator the program consumes as the eager
function does (``draw``). Outside ``cr.jit`` both act at once."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from chainrule.jit.staging import Staged, stage
from chainrule.tracer import primal


def guard(check: Callable, x: Any, *args: Any, **kwargs: Any) -> Any:
    """``x`` after ``check(x, *args, **kwargs)``, which raises on bad data and returns ``x``.
    Inside ``cr.jit`` the check becomes an instruction that runs on every call of the program
    (and ``x`` its result, so it is never dropped); elsewhere it runs at once.

    Example:
        >>> import numpy as np
        >>> guard(lambda v: v, np.ones(2)).tolist()
        [1.0, 1.0]
    """
    value = primal(x)
    if value.__class__ is not Staged:
        return check(x, *args, **kwargs)
    return stage(check, (value, *(primal(a) for a in args)), kwargs, check=True).tracer


def draw(f: Callable, rng: Any, like: Any, *args: Any) -> Any:
    """``f(rng, *args)``, random numbers for ``like``'s computation: inside ``cr.jit`` (``like``
    staged) an instruction that draws from ``rng`` on every call of the program, in the order
    the eager function draws (tracing draws from copies, so a compiled run consumes the
    generator exactly as an eager one); elsewhere it draws at once.

    Example:
        >>> import numpy as np
        >>> draw(lambda g, n: g.random(n), np.random.default_rng(0), np.ones(2), 2).shape
        (2,)
    """
    value = primal(like)
    if value.__class__ is not Staged:
        return f(rng, *args)
    trace = value.tracer._trace

    def random(*values: Any) -> Any:
        return f(rng, *values)

    random.__name__ = getattr(f, "__name__", "random")
    out = trace.record(random, random, {}, list(args), value=f(copy.deepcopy(rng), *args))
    trace.checks.add(out._slot)  # drawn on every call, read or not, as eagerly
    return out._value
