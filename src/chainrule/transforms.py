"""The reverse-mode transformations: ``vjp``, ``grad``, ``value_and_grad``, ``elementwise_grad``
and ``stop_gradient`` (``jvp`` is ``chainrule.jvp``).

Each call of a transformed function opens one trace (reverse or forward), boxes the inputs, runs
the user's function, and closes the trace before returning, so no graph outlives it.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from chainrule import anomaly
from chainrule.backend import PLAIN_TYPES, dtype_kind, foreign, namespace, ones_like
from chainrule.describe import describe
from chainrule.lift import zeros_for
from chainrule.reverse import ReverseTrace, ReverseTracer, check_cotangent
from chainrule.sweeps import backward
from chainrule.tracer import Tracer, primal
from chainrule.tree import (
    NOT_PLAIN,
    TreeDef,
    map_plain,
    rebuild_plain,
    tree_flatten,
    tree_unflatten,
)

ArgNums = int | Sequence[int]


# --- inputs -------------------------------------------------------------------------------
def _as_input(x: Any, op: str, where: tuple[int, int | None] | str) -> Any:
    """A differentiable input as an array (or an outer transformation's traced value)."""
    if type(x) is np.ndarray and x.dtype.kind in "fc":
        return x
    if not isinstance(x, Tracer) and foreign(x):  # another library's array stays in it
        if dtype_kind(x) not in "fc":
            raise TypeError(f"{op}: {where} is a {describe(x)} of {namespace(x).__name__}, "
                            "which cannot be differentiated: only floating-point and complex "
                            "arrays can.")
        return x
    if not isinstance(x, Tracer):
        if isinstance(x, np.ndarray | np.generic):
            pass
        elif isinstance(x, float | int | bool | complex):
            x = np.asarray(x, dtype=np.float64 if isinstance(x, int | bool) else None)
        else:
            x = np.asarray(x)
    kind = dtype_kind(x)  # a traced value may hold another library's array
    if kind != "f" and kind != "c":
        hint = (
            "Convert it with x.astype(float), or leave it out of argnums."
            if kind in "iub"
            else "Only floating-point and complex arrays can be differentiated."
        )
        if isinstance(where, tuple):
            n, k = where
            where = f"argument {n}" + (f" (leaf {k})" if k is not None else "")
        raise TypeError(f"{op}: {where} is a {describe(x)}, which cannot be differentiated. {hint}")
    return x


_INTEGER_SCALARS = (int, bool, np.integer, np.bool_)
_ARRAYS = (Tracer, np.ndarray, np.generic)


def _python_int_input(x: Any) -> bool:
    return isinstance(x, _INTEGER_SCALARS) or (
        isinstance(x, np.ndarray) and x.dtype.kind in "iub"
    )


def _argnums_tuple(argnums: ArgNums, nargs: int, op: str) -> tuple[int, ...]:
    if argnums == 0 and nargs:
        return (0,)
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for n in nums:
        if not -nargs <= n < nargs:
            raise ValueError(f"{op}: argnums={argnums!r} but the function got {nargs} arguments")
    return tuple(n % nargs for n in nums)


# --- reverse mode -------------------------------------------------------------------------
def _record(f: Callable, args: tuple, argnums: tuple[int, ...], op: str):
    """Run ``f`` on a fresh reverse trace with ``args[argnums]`` boxed.

    Returns the trace's tape, the leaf indices per argument (with their structures) and the
    output.
    """
    trace = anomaly.reverse_trace()
    args = list(args)
    boxed = []
    for n in argnums:
        arg = args[n]
        if _python_int_input(arg):
            raise TypeError(
                f"{op}: argument {n} is a {describe(arg)}; integer and boolean arguments "
                "cannot be differentiated. Pass it as a float (e.g. 2.0 or x.astype(float)) or "
                "leave it out of argnums."
            )
        nodes: list[ReverseTracer] = []

        def box(leaf: np.ndarray, nodes: list = nodes) -> ReverseTracer:
            node = trace.leaf(leaf)
            nodes.append(node)
            return node

        start = len(trace.tape)
        spec, args[n] = map_plain(arg, box)
        if spec is NOT_PLAIN:  # some other container or leaf: the general pytree route
            del trace.tape[start:]
            nodes = []
            leaves, spec = tree_flatten(arg)
            for k, leaf in enumerate(leaves):
                if type(leaf) is not np.ndarray or leaf.dtype.kind not in "fc":
                    leaf = _as_input(leaf, op, (n, k if len(leaves) > 1 else None))
                nodes.append(trace.leaf(leaf))
            args[n] = tree_unflatten(spec, nodes)
        boxed.append((spec, nodes))
    # Taken before f runs: an in-place update inside f (x[0] = 5) rebinds the input's tracer to
    # a new node, but the derivative is wanted with respect to the input itself.
    leaf_ids = [(spec, [t._node for t in nodes], [t._value for t in nodes])
                for spec, nodes in boxed]
    try:
        out = f(*args)
    finally:
        trace.alive = False
    tape = trace.tape
    trace.tape = None  # leaked tracers must not keep the graph alive
    return trace, tape, leaf_ids, out


def _leaf_cotangents(leaf_ids, cts: dict[int, Any]) -> list[Any]:
    """Per differentiated argument, the pytree of its cotangents (zeros where unreached)."""
    result = []
    get = cts.get
    for spec, ids, values in leaf_ids:
        leaves = [get(i) for i in ids]
        for k, c in enumerate(leaves):
            if c is None:
                leaves[k] = zeros_for(values[k])
        if spec is None:
            result.append(leaves[0])
        elif isinstance(spec, TreeDef):
            result.append(tree_unflatten(spec, leaves))
        else:
            result.append(rebuild_plain(spec, iter(leaves)))
    return result


def _out_node(out: Any, trace: ReverseTrace) -> int | None:
    if isinstance(out, ReverseTracer) and out._trace is trace:
        return out._node
    return None


def _unbox(out: Any, trace: Any) -> Any:
    if isinstance(out, Tracer) and out._trace is trace:
        return out._value
    return out


def vjp(f: Callable, *primals: Any, has_aux: bool = False):
    """Evaluate ``f(*primals)`` and return ``(out, vjp_fn)``; ``vjp_fn(ct)`` gives the
    cotangent of every primal: the vector-Jacobian product ``ct^T J`` (reverse mode).

    ``vjp_fn`` may be called many times (one backward sweep each); the recorded graph lives as
    long as ``vjp_fn`` does. With ``has_aux=True``, ``f`` returns ``(out, aux)`` and the result
    is ``(out, vjp_fn, aux)``.

    Example (seed 000: y1 = sin(w1 x + w0), y2 = cos(w1 x + w0), cotangent (0, 1)):
        >>> import numpy as np
        >>> import chainrule as cr
        >>> f = lambda w0, w1, x: (np.sin(w1 * x + w0), np.cos(w1 * x + w0))
        >>> (y1, y2), back = cr.vjp(f, 0.0, 1.0, 2.0)
        >>> [round(float(c), 4) for c in back((0.0, 1.0))]  # dy2/dw0, dy2/dw1, dy2/dx
        [-0.9093, -1.8186, -0.9093]
    """
    trace, tape, leaf_ids, out = _record(f, primals, tuple(range(len(primals))), "vjp")
    aux = None
    if has_aux:
        out, aux = _split_aux(out, "vjp")
    out_leaves, out_def = tree_flatten(out)
    nodes = [_out_node(o, trace) for o in out_leaves]
    avals = [(tuple(o.shape), o.dtype) if foreign(o) else (np.shape(o), np.result_type(o))
             for o in out_leaves]
    out_value = tree_unflatten(out_def, [_unbox(o, trace) for o in out_leaves])

    def vjp_fn(ct: Any) -> tuple[Any, ...]:
        ct_leaves, ct_def = tree_flatten(ct)
        if ct_def != out_def:
            raise ValueError(
                f"vjp_fn: the cotangent has structure {ct_def!r}, but the function's output "
                f"has structure {out_def!r}; give one cotangent per output, shaped the same."
            )
        seeds: dict[int, Any] = {}
        for k, (c, node, (shape, dtype)) in enumerate(zip(ct_leaves, nodes, avals, strict=True)):
            c = check_cotangent(c, shape, dtype, f"output {k}")
            if node is not None:
                seeds[node] = c if node not in seeds else seeds[node] + c
        cts = (backward(tape, seeds, True, getattr(trace, "check_vjp", None), far=trace.far)
               if seeds else {})
        return tuple(_leaf_cotangents(leaf_ids, cts))

    if has_aux:
        return out_value, vjp_fn, aux
    return out_value, vjp_fn


def _split_aux(out: Any, op: str) -> tuple[Any, Any]:
    if not (isinstance(out, tuple) and len(out) == 2):
        raise TypeError(f"{op}(has_aux=True): the function must return a pair (output, aux)")
    return out


def value_and_grad(f: Callable, argnums: ArgNums = 0, has_aux: bool = False) -> Callable:
    """``f`` -> a function returning ``(f(*args), gradient)`` in one forward and one backward
    pass. The gradient has the structure of ``args[argnums]`` (a tuple if argnums is a tuple).

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> value, g = cr.value_and_grad(lambda x: np.sum(x ** 2))(np.array([1.0, 2.0]))
        >>> float(value), g.tolist()
        (5.0, [2.0, 4.0])
    """

    @functools.wraps(f)
    def value_and_grad_f(*args: Any, **kwargs: Any):
        fk = functools.partial(f, **kwargs) if kwargs else f
        nums = _argnums_tuple(argnums, len(args), "grad")
        trace, tape, leaf_ids, out = _record(fk, args, nums, "grad")
        aux = None
        if has_aux:
            out, aux = _split_aux(out, "grad")
        _check_scalar(out, f)
        node = _out_node(out, trace)
        value = _unbox(out, trace)
        if node is None:
            cts: dict[int, Any] = {}
        else:
            seed = (value.dtype.type(1) if value.__class__ in PLAIN_TYPES and value.ndim == 0
                    else ones_like(value))
            cts = backward(tape, {node: seed}, False, getattr(trace, "check_vjp", None),
                           far=trace.far)
        del tape
        grads = _leaf_cotangents(leaf_ids, cts)
        g = grads[0] if isinstance(argnums, int) else tuple(grads)
        return ((value, aux), g) if has_aux else (value, g)

    return value_and_grad_f


def _size(x: Any) -> int:
    """The number of entries (another library's ``size`` may be None for unknown shapes)."""
    return math.prod(x.shape)


def _check_scalar(out: Any, f: Callable) -> None:
    if isinstance(out, _ARRAYS) and getattr(out.dtype, "kind", None) == "f":  # NumPy's dtypes
        if out.size == 1:
            return
    array = isinstance(out, _ARRAYS) or foreign(out)
    if array:  # (another library's dtypes have no .kind)
        if _size(out) == 1 and dtype_kind(out) == "f":
            return
    elif isinstance(out, float):
        return
    name = getattr(f, "__name__", "f")
    if array and _size(out) == 1 and dtype_kind(out) == "c":
        raise TypeError(
            f"grad({name}): the function returned a complex scalar; grad needs a real one. "
            "For the complex derivative f'(z) of a holomorphic f use cr.holomorphic_grad(f); "
            "otherwise differentiate a real quantity (np.real(f(z)), np.abs(f(z)) ** 2)."
        )
    raise TypeError(
        f"grad({name}): the function must return a real scalar, but it returned a "
        f"{describe(out)}. For a non-scalar output use cr.jacobian(f) for the full Jacobian or "
        f"cr.vjp(f, x) for vector-Jacobian products; or reduce it first (e.g. .sum())."
    )


def grad(f: Callable, argnums: ArgNums = 0, has_aux: bool = False) -> Callable:
    """``f`` (returning a scalar) -> its gradient function, by reverse mode (backpropagation).

    Example (seed 004's worked example, L(w) = 0.7071 at w = (-1, 1.5, 0.5)):
        >>> import numpy as np
        >>> import chainrule as cr
        >>> X = np.array([[1, 1, 1.5], [1, 1.5, -1]]); c = np.array([0.0, 1.0])
        >>> L = lambda w: np.sum((c - 1 / (1 + np.exp(-X @ w))) ** 2)
        >>> np.round(cr.grad(L)(np.array([-1, 1.5, 0.5])), 4).tolist()
        [0.1293, 0.0594, 0.5435]
    """
    vg = value_and_grad(f, argnums, has_aux)

    @functools.wraps(f)
    def grad_f(*args: Any, **kwargs: Any):
        (value_aux, g) = vg(*args, **kwargs)
        return (g, value_aux[1]) if has_aux else g

    return grad_f


def elementwise_grad(f: Callable, argnums: ArgNums = 0) -> Callable:
    """Gradient of ``sum(f(x))``: for elementwise ``f`` this is ``f'`` applied entry by entry.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> cr.elementwise_grad(np.tanh)(np.zeros(3)).tolist()
        [1.0, 1.0, 1.0]
    """

    @functools.wraps(f)
    def elementwise_grad_f(*args: Any, **kwargs: Any):
        fk = functools.partial(f, **kwargs) if kwargs else f
        nums = _argnums_tuple(argnums, len(args), "elementwise_grad")
        out, back = vjp(lambda *xs: fk(*_place(args, nums, xs)), *(args[n] for n in nums))
        g = back(ones_like(out))
        return g[0] if isinstance(argnums, int) else g

    return elementwise_grad_f


def _place(args: tuple, nums: tuple[int, ...], values: tuple) -> list:
    args = list(args)
    for n, v in zip(nums, values, strict=True):
        args[n] = v
    return args


def stop_gradient(x: Any) -> Any:
    """The value of ``x`` with no derivative flowing through it (at every level of nesting).

    Example:
        >>> import chainrule as cr
        >>> float(cr.grad(lambda x: x * cr.stop_gradient(x))(3.0))
        3.0
    """
    from chainrule.tree import tree_map

    return tree_map(_detached, x)


def _detached(x: Any) -> Any:
    """``x`` without its derivative tracers: its plain value, or its ``cr.jit`` staging tracer
    (which carries none) while a function is being compiled."""
    while isinstance(x, Tracer) and not x._staging:
        x = x._value
    return primal(x) if not isinstance(x, Tracer) else x
