"""``cr.jit``: compile a function once per signature, then run it as straight-line array code.

The signature of a call is the pytree structure of its arguments, each array leaf's shape, dtype
and library (and device, for another library's arrays: a program runs where its inputs live, CuPy
arrays' on their GPU), the values of Python scalar leaves (they are part of the program, as
constants) and the static arguments. The first call of a signature stages the function
(``staging``) twice and compares every constant the two traces captured: a function that reads
random numbers or global state inside would be frozen by a replay, so a difference is refused.
Later calls run the compiled ``Program``. Calls holding values of an enclosing transformation
(``cr.grad(cr.jit(f))``) replay the program through its primitives, which differentiates it.
"""

from __future__ import annotations

import functools
import warnings
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from chainrule import anomaly
from chainrule.backend import PLAIN_TYPES, foreign, namespace
from chainrule.jit.errors import JitError
from chainrule.tracer import Tracer
from chainrule.tree import tree_flatten, tree_unflatten, unflattener

if TYPE_CHECKING:
    from chainrule.jit.program import Program
    from chainrule.jit.staging import JitTrace

CACHE_SIZE = 32


class JitCacheWarning(UserWarning):
    """More new signatures in a row than the cache holds: every call compiles again."""


def _leaf_key(leaf: Any) -> Any:
    cls = leaf.__class__
    if cls is np.ndarray:
        return (leaf.shape, leaf.dtype.str)
    if isinstance(leaf, Tracer):
        return ("traced", tuple(leaf.shape), str(leaf.dtype))
    if cls in (float, int, bool, complex) or leaf is None:
        return (cls.__name__, leaf)  # a constant of the program
    if isinstance(leaf, np.generic):
        return (leaf.dtype.str, leaf.item())
    if foreign(leaf):
        return (type(leaf).__module__, tuple(leaf.shape), str(leaf.dtype), str(leaf.device))
    raise TypeError(f"cr.jit: cannot compile for an argument leaf of type {cls.__name__}; "
                    "pass arrays, Python numbers, or mark the argument static")


def _is_array(leaf: Any) -> bool:
    return leaf.__class__ not in PLAIN_TYPES or leaf.__class__ is np.ndarray


class Compiled:
    """A function compiled by ``cr.jit``; call it like the function."""

    def __init__(self, f: Callable, static_argnums: Sequence[int], cache_size: int,
                 donate: bool = False) -> None:
        self.f, self.static = f, tuple(sorted(set(static_argnums)))
        self.cache_size, self.donate = cache_size, donate
        self._cache: OrderedDict[Any, tuple[Program, Any, list[int]]] = OrderedDict()
        # one-pass signatures (_fast_key) -> (the program's run, output rebuild, input positions)
        self._fast: dict[tuple, tuple[Callable, Callable, list[int]]] = {}
        self._misses, self._warned, self._last_key = 0, False, None
        functools.update_wrapper(self, f)

    def clear_cache(self) -> None:
        """Forget every compiled signature."""
        self._cache.clear()
        self._fast.clear()

    def _split(self, args: tuple) -> tuple[tuple, list, Any]:
        for i in self.static:
            if i >= len(args):
                raise TypeError(f"cr.jit: static_argnums names argument {i} but the call has "
                                f"{len(args)}")
        dynamic = tuple(a for i, a in enumerate(args) if i not in self.static)
        static = tuple(args[i] for i in self.static)
        leaves, treedef = tree_flatten(dynamic)
        try:
            hash(static)
        except TypeError:
            raise TypeError("cr.jit: static arguments must be hashable (they key the cache); "
                            "got " + ", ".join(type(s).__name__ for s in static)) from None
        return static, leaves, treedef

    def _key(self, static: tuple, leaves: list, treedef: Any) -> tuple:
        return (treedef, tuple(_leaf_key(leaf) for leaf in leaves), static)

    def __call__(self, *args: Any) -> Any:
        if anomaly.active():  # its checks run as operations execute: the function itself
            return self.f(*args)
        fast = self._fast_key(args)
        if fast is not None:
            found = self._fast.get(fast[0])
            if found is not None:  # NumPy arrays in lists, tuples and dicts, a known signature
                self._misses = 0
                run, rebuild, positions = found
                leaves = fast[1]
                return rebuild(run(*[leaves[i] for i in positions]))
        static, leaves, treedef = self._split(args)
        key = self._key(static, leaves, treedef)
        entry = self._cache.get(key)
        if entry is None:
            entry = self._compile(args, static, leaves, treedef, key)
        else:
            self._misses = 0
        program, out_def, positions = entry
        inputs = [leaves[i] for i in positions]
        if any(isinstance(x, Tracer) for x in inputs):
            return tree_unflatten(out_def, program.replay(inputs))
        return tree_unflatten(out_def, list(program.run(*inputs)))

    def lower(self, *args: Any) -> Program:
        """The program compiled for the signature of ``args`` (see ``Program.show()``)."""
        static, leaves, treedef = self._split(args)
        key = self._key(static, leaves, treedef)
        entry = self._cache.get(key) or self._compile(args, static, leaves, treedef, key)
        return entry[0]

    def _compile(self, args: tuple, static: tuple, leaves: list, treedef: Any,
                 key: tuple) -> tuple[Program, Any, list[int]]:
        self._note_miss(key)
        positions = [i for i, leaf in enumerate(leaves) if _is_array(leaf)]
        first = self._stage(args, leaves, treedef, positions)
        second = self._stage(args, leaves, treedef, positions)
        _same_program(first[0], second[0], self.f)
        trace, outputs, out_def = first
        from chainrule.jit.program import Program  # (loaded at the first compile: import cost)

        entry = (Program(trace, len(positions), outputs, self.donate), out_def, positions)
        self._cache[key] = entry
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
            self._fast.clear()
        fast = self._fast_key(args)
        if fast is not None:
            self._fast[fast[0]] = (entry[0].run, unflattener(out_def), positions)
        return entry

    def _fast_key(self, args: tuple) -> tuple[tuple, list] | None:
        """The signature of a call whose arguments are NumPy arrays and Python numbers in
        lists, tuples, namedtuples and dicts, with the leaves in ``tree_flatten``'s order, in
        one pass; None for anything else (modules, tracers, other libraries)."""
        leaves: list[Any] = []
        try:
            parts = tuple(a if i in self.static else _fast(a, leaves)
                          for i, a in enumerate(args))
            hash(parts)
        except (_Unsupported, TypeError):  # (an unhashable static argument: named below)
            return None
        return parts, leaves

    def _stage(self, args: tuple, leaves: list, treedef: Any,
               positions: list[int]) -> tuple[JitTrace, list, Any]:
        from chainrule.jit.staging import JitTrace  # (loaded at the first compile)

        trace = JitTrace()
        staged = list(leaves)
        for i in positions:
            staged[i] = trace.input(leaves[i])
        dynamic = iter(tree_unflatten(treedef, staged))
        call = [args[i] if i in self.static else next(dynamic) for i in range(len(args))]
        try:
            out = self.f(*call)
        except TypeError as e:  # (a JitError is a TypeError too: passed on as it is)
            if not trace.far or isinstance(e, JitError) or "chainrule.jit." not in str(e):
                raise
            raise JitError(f"cr.jit({getattr(self.f, '__name__', 'f')}): another library's "
                           f"array refused a value staged by cr.jit as an operand ({e}); an "
                           "array that does not defer to other types in its operators cannot "
                           "meet staged values: call the function without cr.jit") from e
        finally:
            trace.alive = False
        outputs, out_def = tree_flatten(out)
        return trace, outputs, out_def

    def _note_miss(self, key: tuple) -> None:
        """Warn once when more new signatures came in a row than the cache holds."""
        previous, self._last_key = self._last_key, key
        self._misses += 1
        if self._misses <= self.cache_size or self._warned or previous is None:
            return
        self._warned = True
        if previous[0] != key[0]:
            changed = "the argument structure"
        elif previous[2] != key[2]:
            changed = "the static arguments"
        else:
            leaf = next(i for i, (a, b) in enumerate(zip(previous[1], key[1], strict=True))
                        if a != b)
            changed = f"argument leaf {leaf} (its shape, dtype or Python value)"
        warnings.warn(f"cr.jit({getattr(self.f, '__name__', 'f')}): {self._misses} calls in a "
                      f"row needed a new program ({changed} keeps changing), more than the "
                      f"cache holds ({self.cache_size}); every such call traces and compiles "
                      "again. Pass changing numbers as arrays, or call it without cr.jit.",
                      JitCacheWarning, stacklevel=4)


class _Unsupported(Exception):
    """A value the one-pass signature does not cover (the general path takes it)."""


def _fast(x: Any, leaves: list) -> Any:
    t = x.__class__
    if t is np.ndarray:
        leaves.append(x)
        return (x.shape, x.dtype)
    if t is list or t is tuple:
        return (t, tuple([_fast(c, leaves) for c in x]))
    if t is dict:
        return (t, tuple(x), tuple([_fast(v, leaves) for v in x.values()]))
    if t in (float, int, bool):
        leaves.append(x)
        return (t, x)
    if x is None:
        return None
    if isinstance(x, tuple) and hasattr(t, "_fields"):
        return (t, tuple([_fast(c, leaves) for c in x]))
    raise _Unsupported


def _same_program(a: JitTrace, b: JitTrace, f: Callable) -> None:
    """Refuse a function whose two traces differ (it reads random numbers or global state)."""
    name = getattr(f, "__name__", "the function")
    if [i[0] for i in a.instructions] != [i[0] for i in b.instructions]:
        raise JitError(f"cr.jit({name}): two traces of the same call applied different "
                       "operations; the function depends on something besides its arguments "
                       "(global state, random numbers): pass it in as an argument")
    for (op, _, pa, ra, *_), (_, _, pb, rb, *_), origin in zip(
            a.instructions, b.instructions, a.origins, strict=True):
        same = ra == rb and pa.keys() == pb.keys() and all(
            _equal(pa[k], pb[k]) for k in pa)
        same = same and all(_equal(a.constants[k], b.constants[k])
                            for kind, k in ra if kind == "const")
        if not same:
            where = "" if origin is None else f" at {origin[0]}:{origin[1]} ({origin[2]})"
            made = [k for k in pa if callable(pa[k]) and not _equal(pa[k], pb[k])]
            if made:
                raise JitError(
                    f"cr.jit({name}): the function given to {op} as {made[0]!r}{where} was a "
                    "new object in each trace (a closure made during the call), so the "
                    "program cannot tell whether it holds values of this call; it is not "
                    "compiled. Call it without cr.jit.")
            raise JitError(
                f"cr.jit({name}): a value that does not depend on the arguments differed "
                f"between two traces of the same call, in {op}{where}: the function reads "
                "random numbers or global state inside, which a compiled program would freeze. "
                "Pass that value in as an argument (e.g. a random generator or the noise).")


def _equal(x: Any, y: Any) -> bool:
    if isinstance(x, type) or isinstance(y, type):  # dtype=np.intp and the like
        return x is y
    if isinstance(x, np.ndarray | np.generic) or isinstance(y, np.ndarray | np.generic):
        return (np.shape(x) == np.shape(y) and np.result_type(x) == np.result_type(y)
                and bool(np.array_equal(x, y, equal_nan=True)))
    if foreign(x) or foreign(y):
        return _equal_foreign(x, y)
    if isinstance(x, tuple | list) and isinstance(y, tuple | list):
        return len(x) == len(y) and all(_equal(u, v) for u, v in zip(x, y, strict=True))
    if isinstance(x, float | complex) and isinstance(y, float | complex):
        return x == y or (x != x and y != y)  # a NaN constant is the same NaN both times
    try:
        return bool(x == y)
    except (TypeError, ValueError):
        return x is y


def _equal_foreign(x: Any, y: Any) -> bool:
    """Whether two constants, one of them another library's array, are the same array (the
    same library, device, shape, dtype and values, NaN equal to NaN), computed by their
    library (a comparison reads one boolean)."""
    if not (foreign(x) and foreign(y)) or namespace(x) is not namespace(y):
        return False
    if x.device != y.device or x.shape != y.shape or x.dtype != y.dtype:
        return False
    xp = namespace(x)
    return bool(xp.all((x == y) | ((x != x) & (y != y))))


def jit(f: Callable, static_argnums: int | Sequence[int] = (),
        cache_size: int = CACHE_SIZE, donate: bool = False) -> Compiled:
    """Compile ``f``: its first call per signature records every array operation it makes
    (forward and backward passes of the transformations inside included), and later calls run
    that straight-line program on plain arrays, NumPy's or another Array API library's (CuPy:
    the program runs on the GPU, in that library). Composes with every transformation:
    ``cr.jit(cr.value_and_grad(loss))``, ``cr.grad(cr.jit(f))``.

    ``static_argnums`` are arguments that are not traced but key the cache (Python values the
    function branches on). Python numbers among the other arguments are constants of the program
    (a new value compiles again). At most ``cache_size`` signatures are kept (least recently
    compiled dropped first); ``clear_cache()`` forgets them, ``lower(*args)`` returns the
    program, ``lower(*args).show()`` prints it. A function that reads a traced value's data in
    Python (``if x > 0``, ``float(x)``), or whose two traces differ (random numbers, global
    state), raises ``JitError`` naming the line, never a stale result. Inside
    ``cr.detect_anomaly()`` the function runs eagerly, so that its checks run.

    ``donate=True`` gives the NumPy arrays of each call to the program, which may then write
    results into them where they die (as into its own temporaries): do not use them after the
    call. A donated array that is read-only, or shares memory with another argument, is refused
    with ``JitError``.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> vg = cr.jit(cr.value_and_grad(lambda x: np.sum(np.tanh(x) ** 2)))
        >>> value, grad = vg(np.array([0.5, 1.0]))
        >>> round(float(value), 4), np.round(grad, 4).tolist()
        (0.7936, [0.7269, 0.6397])
    """
    if isinstance(static_argnums, int):
        static_argnums = (static_argnums,)
    if not callable(f):
        raise TypeError(f"cr.jit: expected a function, got {type(f).__name__}")
    return Compiled(f, static_argnums, int(cache_size), bool(donate))
