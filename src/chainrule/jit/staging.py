"""Staging: running a function once while recording every primitive it applies (issue 13).

A ``JitTrace`` is the outermost trace of a ``cr.jit`` call. Its tracers (``JitTracer``) carry the
value computed for this call, so the function runs as it would eagerly (shapes, dtypes and every
transformation inside it, forward and backward sweeps included), and each primitive applied to
them is appended to the trace as one instruction: the implementation, its parameters, and where
its operands come from (an input, an earlier instruction, or a constant). Values that do not
depend on the inputs are never recorded: they are constants of the program.

The value inside a ``JitTracer`` is a ``Staged`` box, never a plain array. It gives shape and
dtype, and refuses every read of its data from Python (``bool``, ``float``, ``np.asarray``,
``.item()``...) with a ``JitError`` naming the line: a program replayed for new inputs could not
repeat such a read, so a compiled function would silently return a stale result. Functions
without a derivative (comparisons, ``argmax``, ``floor``...) are staged as instructions too
(``stage``), so ``np.where(x > 0, x, 0)`` compiles.

Another library's arrays (CuPy, array-api-strict) are staged the same way: each primitive
records its implementation for that library (``Primitive.impl_for``), and the namespace a staged
value gives (``backend.namespace``) records the library's functions a rule calls on it
(``chainrule.jit.namespace``), so the program runs in that library, on the inputs' device.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.anomaly import user_line
from chainrule.backend import PLAIN_TYPES, foreign, namespace
from chainrule.errors import annotated
from chainrule.jit.errors import JitError, where_read
from chainrule.jit.tracer import JitTracer
from chainrule.levels import new_level
from chainrule.primitive import Primitive
from chainrule.tracer import Tracer, primal

# NumPy functions that read only shapes and dtypes, which a cr.jit signature fixes: their
# results are constants of the program.
METADATA = frozenset({"shape", "ndim", "size", "result_type", "iscomplexobj", "isrealobj",
                      "can_cast", "min_scalar_type", "common_type", "zeros_like", "ones_like"})


class Staged:
    """The value of one program slot during staging: shape and dtype, but no readable data."""

    __slots__ = ("array", "tracer")
    _jit_value = True  # told apart without importing this module (reverse.check_cotangent)

    def __init__(self, array: Any, tracer: JitTracer) -> None:
        self.array, self.tracer = array, tracer

    shape = property(lambda self: self.array.shape)
    dtype = property(lambda self: self.array.dtype)
    ndim = property(lambda self: self.array.ndim)
    size = property(lambda self: self.array.size)
    device = property(lambda self: self.array.device)  # fixed by the signature, as the shape

    def __len__(self) -> int:
        return len(self.array)

    def namespace(self, others: tuple) -> Any:
        """The namespace ``backend.namespace(*others)`` gives for this staged value: its
        tracer's face for NumPy, or with another transformation's values among ``others``; for
        another library's array, its namespace staging each call (``jit.namespace``)."""
        if (self.array.__class__ is np.ndarray or not _foreign(self.array)
                or any(isinstance(o, Tracer) for o in others)):
            return self.tracer.__array_namespace__()
        from chainrule.jit.namespace import staged_namespace  # (other libraries only)

        return staged_namespace(namespace(self.array), _record_call)

    def __array_namespace__(self, api_version: Any = None) -> Any:
        return self.namespace(())

    def _read(self, what: str) -> Any:
        raise JitError(
            f"cr.jit: {what} reads a traced value's data in Python{where_read()}; a compiled "
            "function replays its operations for new inputs and cannot repeat that read. Make "
            "the argument static (cr.jit(f, static_argnums=...)), express the choice with "
            "np.where(...), or call the function without cr.jit.")

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        return self._read("converting it to a NumPy array")

    def __bool__(self) -> bool:
        return self._read("a Python condition (if/while/and/or)")

    def __float__(self) -> float:
        return self._read("float(x)")

    def __int__(self) -> int:
        return self._read("int(x)")

    def __index__(self) -> int:
        return self._read("using it as an index")

    def item(self, *args: Any) -> Any:
        return self._read("x.item()")

    def tolist(self) -> Any:
        return self._read("x.tolist()")

    def __getattr__(self, name: str) -> Any:
        """An ndarray method or attribute of the plain value (``.astype``, ``.T``), staged."""
        if name.startswith("__") or not hasattr(self.array, name):
            raise AttributeError(name)  # protocol probes (hasattr) find none
        if callable(getattr(self.array, name)):
            return lambda *args, **kwargs: stage(_method(name), (self, *args), kwargs)
        return stage(_method(name, attribute=True), (self,), {})

    def __getitem__(self, index: Any) -> Any:
        return stage(_method("__getitem__"), (self, index), {})

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        """NumPy's ufuncs on staged values are staged (no derivative, as on plain values)."""
        if any(isinstance(a, Tracer) for a in inputs):
            return NotImplemented  # the tracer's face computes it, with this as a constant
        if "out" in kwargs:
            self._read("a ufunc writing into out=")
        f = ufunc if method == "__call__" else getattr(ufunc, method)
        staged = stage(f, inputs, kwargs)
        return NotImplemented if staged is None else staged

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        """NumPy's functions on staged values are staged; those that read only shapes and
        dtypes (fixed by the signature) are answered at once."""
        if func.__name__ in METADATA:
            return func(*[a.array if a.__class__ is Staged else a for a in args], **kwargs)
        if any(issubclass(t, Tracer) for t in types):
            return NotImplemented  # the tracer's face computes it, with this as a constant
        staged = stage(func, args, kwargs)
        if staged is None:  # staged values only inside lists: not compilable here
            self._read(f"numpy.{func.__name__} with traced values inside a list")
        return staged

    def __repr__(self) -> str:
        return f"Staged({self.array.dtype} {tuple(self.array.shape)})"

    __hash__ = object.__hash__


def _method(name: str, attribute: bool = False) -> Callable:
    """``x.name(...)`` (or the attribute ``x.name``) as a function of ``x``, for staging."""
    def call(x: Any, *args: Any, **kwargs: Any) -> Any:
        found = getattr(x, name)
        return found if attribute else found(*args, **kwargs)

    call.__name__ = name.strip("_")
    return call


def _operators() -> None:
    """Python's operators on a staged value: each a staged NumPy function (these values carry
    no derivative, as rules compute masks and factors from plain values); on another library's
    array, Python's operator itself, which that library computes."""
    binary = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "truediv": np.divide,
              "floordiv": np.floor_divide, "mod": np.remainder, "pow": np.power,
              "matmul": np.matmul, "and": np.bitwise_and, "or": np.bitwise_or,
              "xor": np.bitwise_xor}
    # with a tracer on the other side, the tracer's operator computes it (a derivative flows
    # through the tracer, this value being its constant), as NumPy arrays defer to tracers
    for name, f in binary.items():
        op = getattr(operator, f"{name}_" if name in ("and", "or") else name)
        setattr(Staged, f"__{name}__", lambda a, b, f=f, op=op: NotImplemented
                if isinstance(b, Tracer) else stage(_pick(a, f, op), (a, b), {}))
        setattr(Staged, f"__r{name}__", lambda a, b, f=f, op=op: NotImplemented
                if isinstance(b, Tracer) else stage(_pick(a, f, op), (b, a), {}))
    compare = {"lt": np.less, "le": np.less_equal, "gt": np.greater, "ge": np.greater_equal,
               "eq": np.equal, "ne": np.not_equal}
    for name, f in compare.items():
        op = getattr(operator, name)
        setattr(Staged, f"__{name}__", lambda a, b, f=f, op=op: NotImplemented
                if isinstance(b, Tracer) else stage(_pick(a, f, op), (a, b), {}))
    for name, f in {"neg": np.negative, "pos": np.positive, "abs": np.absolute,
                    "invert": np.invert}.items():
        op = getattr(operator, name)
        setattr(Staged, f"__{name}__", lambda a, f=f, op=op: stage(_pick(a, f, op), (a,), {}))


def _pick(a: Staged, f: Callable, op: Callable) -> Callable:
    """NumPy's function ``f`` for a staged NumPy value, Python's operator ``op`` for another
    library's array (which NumPy's functions would convert)."""
    return f if a.array.__class__ is np.ndarray or not _foreign(a.array) else op


_UNSET = object()


class JitTrace:
    """The staging context of one ``cr.jit`` trace: the instructions recorded so far."""

    kind = "cr.jit"
    __slots__ = ("level", "alive", "far", "instructions", "constants", "slots", "origins",
                 "checks", "layouts", "lifted")

    def __init__(self) -> None:
        self.level = new_level()
        self.alive, self.far = True, False
        # (name, impl, params, refs, slot, op): refs are ("slot", k) or ("const", k); op is
        # the Primitive (or the function without derivative) that replays it under tracing
        # checks: the slots of instructions that must run even when no output reads them
        self.instructions: list[tuple] = []
        self.constants: list[Any] = []
        self.slots = 0
        self.origins: list[Any] = []
        self.checks: set[int] = set()
        # per slot: (a NumPy array?, shape, dtype) of its traced value (fixed by the signature)
        self.layouts: list[tuple] = []
        # slot of a lifted constant (``constant``) -> its index in ``constants``
        self.lifted: dict[int, int] = {}

    def input(self, value: Any) -> JitTracer:
        """A tracer for one input of the compiled function (slots 0, 1, ... in order)."""
        if value.__class__ is not np.ndarray and _foreign(value):
            self.far = True  # another library's arrays: primitives choose their impl_for
        return self._new(value)

    def constant(self, value: Any) -> JitTracer:
        """``value`` (another library's array that does not depend on the inputs) as a tracer
        of this trace (``chainrule.lift``): an instruction that gives the constant, so that the
        operations applied to it are recorded."""
        out = self.record(lifted, lifted, {}, [value])
        self.lifted[out._slot] = len(self.constants) - 1
        return out

    def _new(self, value: Any) -> JitTracer:
        tracer = object.__new__(JitTracer)
        tracer._value, tracer._trace, tracer._slot = Staged(value, tracer), self, self.slots
        self.slots += 1
        self.layouts.append((value.__class__ is np.ndarray, getattr(value, "shape", None),
                             getattr(value, "dtype", None)))
        return tracer

    def _refs(self, args: Any, name: str, params: dict) -> tuple[list, list]:
        refs, vals = [], []
        if self.far and _holds_staged(params):  # (NumPy's implementations refuse by a read)
            self._inside(name)
        for a in args:
            if a.__class__ is JitTracer and a._trace is self:
                refs.append(("slot", a._slot))
                vals.append(a._value.array)
            elif a.__class__ is Staged and a.tracer._trace is self:
                refs.append(("slot", a.tracer._slot))
                vals.append(a.array)
            else:
                if _holds_staged(a) or any(_holds_staged(v) for v in params.values()):
                    self._inside(name)
                if isinstance(a, Tracer | Staged):
                    raise JitError(f"cr.jit: a value traced by another transformation reached "
                                   f"the compiled program{where_read()}; nest transformations "
                                   "inside the function given to cr.jit")
                refs.append(("const", len(self.constants)))
                self.constants.append(a)
                vals.append(a)
        return refs, vals

    @staticmethod
    def _inside(name: str) -> None:
        raise JitError(f"cr.jit: {name} got traced values inside a list, tuple or keyword"
                       f"{where_read()}; only direct array arguments can be compiled there: call "
                       "the function without cr.jit")

    def record(self, op: Any, impl: Callable, params: dict, args: Any,
               value: Any = _UNSET) -> Any:
        """Run ``impl(*args, **params)`` on the values (or take ``value`` as its result) and
        record it as an instruction of ``op`` (a Primitive, or a function without derivative);
        returns the new tracer."""
        name = op.name if isinstance(op, Primitive) else getattr(op, "__name__", "constant")
        refs, vals = self._refs(args, name, params)
        try:
            ans = impl(*vals, **params) if value is _UNSET else value
        except JitError:
            raise
        except (ValueError, TypeError, IndexError) as e:
            if not isinstance(op, Primitive):
                raise
            raise annotated(e, op, vals, params) from e
        out = self._new(ans)
        self.instructions.append((name, impl, params, refs, out._slot, op))
        self.origins.append(user_line())
        return out

    def process(self, prim: Primitive, args: Any, params: dict, nested: bool) -> Any:
        for a in args:  # a value of an outer transformation cannot be staged
            if isinstance(a, Tracer) and a._trace is not self:
                raise JitError(f"cr.jit: {prim.name} got a value traced outside the compiled "
                               "function; call the compiled function with plain arrays")
        impl = prim.impl
        if self.far or any(a.__class__ is not JitTracer and _foreign(a) for a in args):
            self.far = True
            impl = prim.impl_for([a._value.array if a.__class__ is JitTracer else a
                                  for a in args])
        elif _holds_staged(params):  # positions computed from the inputs: operands
            from chainrule.jit.hoisting import hoisted  # (loaded when first needed)

            return hoisted(self.record, prim, impl, params, list(args))
        return self.record(prim, impl, params, args)


def lifted(value: Any) -> Any:
    """A constant lifted into a trace (``JitTrace.constant``): the instruction that gives it."""
    return value


def _holds_staged(value: Any) -> bool:
    """Whether a list, tuple or dict constant holds staged values or tracers inside."""
    if isinstance(value, list | tuple):
        return any(v.__class__ is Staged or isinstance(v, Tracer) or _holds_staged(v)
                   for v in value)
    if isinstance(value, dict):
        return _holds_staged(list(value.values()))
    return value.__class__ is Staged or isinstance(value, Tracer)


def _foreign(a: Any) -> bool:
    return a.__class__ not in PLAIN_TYPES and foreign(a)


def stage(f: Callable, args: tuple, kwargs: dict, check: bool = False,
          far: Callable | None = None) -> Any:
    """``f(*args, **kwargs)`` for a function with no derivative whose arguments hold staged
    values: recorded as one instruction (its result depends on the inputs); None when no
    argument is staged. Staged values inside lists or keywords are refused by their own reads.
    ``far``, when given, is recorded instead of ``f`` for another library's staged arrays
    (``f`` being NumPy's function, ``far`` the same computation in their namespace).

    Example:
        >>> import numpy as np
        >>> stage(np.floor, (1.5,), {}) is None
        True
    """
    trace = next((a.tracer._trace for a in args if a.__class__ is Staged), None)
    if trace is None:
        return None
    if far is not None and any(a.__class__ is Staged and a.array.__class__ is not np.ndarray
                               and _foreign(a.array) for a in args):
        f = far
    tracers = [a.tracer if a.__class__ is Staged else a for a in args]
    out = trace.record(_no_derivative(f), f, kwargs, tracers)
    if check:  # a check on the data: it runs on every call, whatever reads its result
        trace.checks.add(out._slot)
    return out._value


def _record_call(f: Callable, name: str, args: tuple, kwargs: dict) -> Any:
    """A library function called through a staged value's namespace: recorded when it is given
    staged values, run at once otherwise; staged values inside lists or keywords refused."""
    staged = stage(f, args, kwargs)
    if staged is not None:
        return staged
    if _holds_staged(list(args)) or _holds_staged(kwargs):
        raise JitError(f"cr.jit: {name} got traced values inside a list, tuple or keyword; "
                       "only direct array arguments can be compiled there: call the "
                       "function without cr.jit")
    return f(*args, **kwargs)


def _no_derivative(f: Callable) -> Callable:
    """``f`` as a program replays it under an enclosing transformation: on the plain values
    (no derivative flows through it, as when it was staged), staged again under an outer
    ``cr.jit``."""
    def replay(*values: Any, **kwargs: Any) -> Any:
        values = tuple(primal(v) for v in values)
        staged = stage(f, values, kwargs)
        return staged if staged is not None else f(*values, **kwargs)

    replay.__name__ = getattr(f, "__name__", "constant")
    replay.staged_function = True  # its result's shape is checked on every call (program.py)
    return replay


_operators()
