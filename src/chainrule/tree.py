"""Pytrees: nested containers of arrays, flattened to a list of leaves and a structure.

Containers are tuples, lists, dicts (in insertion order), namedtuples, dataclasses, ``None`` (an
empty container) and any class registered with ``register_pytree_node``; everything else is a
leaf. Functions under differentiation take and return pytrees.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

_REGISTRY: dict[type, tuple[Callable[[Any], tuple[list, Any]], Callable[[Any, list], Any]]] = {}


def register_pytree_node(
    cls: type,
    flatten: Callable[[Any], tuple[Iterable[Any], Any]],
    unflatten: Callable[[Any, list[Any]], Any],
) -> None:
    """Teach the tree functions a container type: ``flatten(x) -> (children, aux)`` and
    ``unflatten(aux, children) -> x``.

    Example:
        >>> import chainrule as cr
        >>> class Pair:
        ...     def __init__(self, a, b): self.a, self.b = a, b
        >>> cr.register_pytree_node(Pair, lambda p: ((p.a, p.b), None),
        ...                         lambda aux, ch: Pair(*ch))
        >>> cr.tree_flatten(Pair(1.0, 2.0))[0]
        [1.0, 2.0]
    """
    _REGISTRY[cls] = (lambda x: _as_list(flatten(x)), unflatten)


def _as_list(pair: tuple[Iterable[Any], Any]) -> tuple[list, Any]:
    children, aux = pair
    return list(children), aux


class TreeDef:
    """The structure of a pytree with its leaves taken out."""

    __slots__ = ("kind", "aux", "children", "num_leaves", "_hash")

    def __init__(self, kind: Any, aux: Any, children: tuple[TreeDef, ...]) -> None:
        self.kind = kind
        self.aux = aux
        self.children = children
        n = 1 if kind is None else 0
        for c in children:
            n += c.num_leaves
        self.num_leaves = n
        self._hash: int | None = None  # computed once, on first use (cr.jit keys its cache)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, TreeDef)
            and self.kind == other.kind
            and self.aux == other.aux
            and self.children == other.children
        )

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash((self.kind, self.children))
        return self._hash

    def __repr__(self) -> str:
        if self.kind is None:
            return "*"
        name = getattr(self.kind, "__name__", str(self.kind))
        return f"{name}({', '.join(map(repr, self.children))})"


_LEAF_TYPES = frozenset({np.ndarray, float, int, bool, complex, np.float64, np.float32})


def _node_of(x: Any) -> tuple[Any, Any, list] | None:
    """(kind, aux, children) of a container, or None for a leaf."""
    t = type(x)
    if t in _LEAF_TYPES:
        return None
    if t is tuple or t is list:
        return t, len(x), list(x)
    if t is dict:
        return dict, tuple(x.keys()), list(x.values())
    if x is None:
        return type(None), None, []
    if t in _REGISTRY:
        children, aux = _REGISTRY[t][0](x)
        return t, aux, children
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return t, None, list(x)
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        names = tuple(f.name for f in dataclasses.fields(x))
        return t, names, [getattr(x, n) for n in names]
    return None


def tree_flatten(tree: Any) -> tuple[list[Any], TreeDef]:
    """Leaves (depth first, left to right) and the structure to rebuild ``tree`` from them.

    Example:
        >>> import chainrule as cr
        >>> leaves, treedef = cr.tree_flatten({"W": 1.0, "b": (2.0, 3.0)})
        >>> leaves
        [1.0, 2.0, 3.0]
        >>> cr.tree_unflatten(treedef, [10.0, 20.0, 30.0])
        {'W': 10.0, 'b': (20.0, 30.0)}
    """
    leaves: list[Any] = []
    return leaves, _flatten(tree, leaves)


def _flatten(x: Any, leaves: list[Any]) -> TreeDef:
    t = type(x)
    if t in _LEAF_TYPES:  # the common cases first: arrays, and tuples/lists of them
        leaves.append(x)
        return _LEAF
    if t is tuple or t is list:
        return TreeDef(t, len(x), tuple([_flatten(c, leaves) for c in x]))
    node = _node_of(x)
    if node is None:
        leaves.append(x)
        return _LEAF
    kind, aux, children = node
    return TreeDef(kind, aux, tuple([_flatten(c, leaves) for c in children]))


_LEAF = TreeDef(None, None, ())


def tree_unflatten(treedef: TreeDef, leaves: Iterable[Any]) -> Any:
    """Rebuild a pytree of structure ``treedef`` from ``leaves`` (inverse of ``tree_flatten``)."""
    leaves = list(leaves)
    if len(leaves) != treedef.num_leaves:
        raise ValueError(
            f"tree_unflatten: the structure {treedef!r} has {treedef.num_leaves} leaves, "
            f"but {len(leaves)} were given"
        )
    it = iter(leaves)
    return _build(treedef, it)


def unflattener(treedef: TreeDef) -> Callable[[Sequence[Any]], Any]:
    """``lambda leaves: tree_unflatten(treedef, leaves)`` written out as one expression for
    this structure (lists, tuples, dicts, None and named tuples; other nodes go through
    ``tree_unflatten``): a compiled program rebuilds its result on every call.

    Example:
        >>> import chainrule as cr
        >>> _, treedef = cr.tree_flatten({"W": 1.0, "b": (2.0, 3.0)})
        >>> unflattener(treedef)([4.0, 5.0, 6.0])
        {'W': 4.0, 'b': (5.0, 6.0)}
    """
    names: dict[str, Any] = {}
    count = iter(range(treedef.num_leaves))

    def expr(td: TreeDef) -> str | None:
        kind = td.kind
        if kind is None:
            return f"o[{next(count)}]"
        parts = [expr(c) for c in td.children]
        if None in parts:
            return None
        if kind is tuple:
            return "(" + "".join(p + ", " for p in parts) + ")"
        if kind is list:
            return "[" + ", ".join(parts) + "]"
        if kind is type(None):
            return "None"
        name = f"g{len(names)}"
        if kind is dict:
            names[name] = td.aux
            return "{" + ", ".join(f"{name}[{k}]: {p}" for k, p in enumerate(parts)) + "}"
        if kind not in _REGISTRY and issubclass(kind, tuple) and hasattr(kind, "_fields"):
            names[name] = kind
            return f"{name}({', '.join(parts)})"
        return None

    body = expr(treedef)
    if body is None:
        return lambda leaves: tree_unflatten(treedef, leaves)
    return eval(f"lambda o: {body}", names)  # noqa: S307  (our own expression of the structure)


def _build(td: TreeDef, it: Any) -> Any:
    kind = td.kind
    if kind is None:
        return next(it)
    children = [next(it) if c is _LEAF else _build(c, it) for c in td.children]
    if kind is tuple:
        return tuple(children)
    if kind is list:
        return children
    if kind is dict:
        return dict(zip(td.aux, children, strict=True))
    if kind is type(None):
        return None
    if kind in _REGISTRY:
        return _REGISTRY[kind][1](td.aux, children)
    if issubclass(kind, tuple):
        return kind(*children)
    obj = object.__new__(kind)
    for name, value in zip(td.aux, children, strict=True):
        object.__setattr__(obj, name, value)
    return obj


def tree_map(f: Callable[..., Any], tree: Any, *rest: Any) -> Any:
    """Apply ``f`` to every leaf (and the matching leaves of ``rest``), keeping the structure.

    Example:
        >>> import chainrule as cr
        >>> cr.tree_map(lambda a, b: a + b, {"x": 1, "y": [2, 3]}, {"x": 10, "y": [20, 30]})
        {'x': 11, 'y': [22, 33]}
    """
    leaves, treedef = tree_flatten(tree)
    others = []
    for r in rest:
        r_leaves, r_def = tree_flatten(r)
        if r_def != treedef:
            raise ValueError(f"tree_map: structures differ: {treedef!r} and {r_def!r}")
        others.append(r_leaves)
    return tree_unflatten(treedef, [f(*xs) for xs in zip(leaves, *others, strict=True)])


def tree_leaves(tree: Any) -> list[Any]:
    """The leaves of ``tree`` in flattening order."""
    return tree_flatten(tree)[0]


NOT_PLAIN = object()  # map_plain's answer for anything but float arrays in tuples and lists


def map_plain(x: Any, f: Callable[[np.ndarray], Any]) -> tuple[Any, Any]:
    """``f`` applied to a float or complex array, or to each such array in nested tuples and
    lists (the common argument of a differentiated function: parameters), in one pass.

    Returns ``(spec, mapped)``: ``spec`` is None for an array, ``(tuple or list, child specs)``
    for a container; ``(NOT_PLAIN, None)`` when anything else is inside (then use
    ``tree_flatten``; ``f`` may already have been called on some arrays).

    Example:
        >>> import numpy as np
        >>> from chainrule.tree import map_plain, rebuild_plain
        >>> spec, doubled = map_plain([np.ones(2), (np.zeros(1),)], lambda a: 2 * a)
        >>> doubled
        [array([2., 2.]), (array([0.]),)]
        >>> rebuild_plain(spec, iter([1, 2]))
        [1, (2,)]
    """
    t = type(x)
    if t is np.ndarray:
        kind = x.dtype.kind
        return (None, f(x)) if kind == "f" or kind == "c" else (NOT_PLAIN, None)
    if t is not tuple and t is not list:
        return NOT_PLAIN, None
    specs = []
    out = []
    for c in x:
        spec, mapped = map_plain(c, f)
        if spec is NOT_PLAIN:
            return NOT_PLAIN, None
        specs.append(spec)
        out.append(mapped)
    return (t, specs), (out if t is list else tuple(out))


def rebuild_plain(spec: Any, leaves: Any) -> Any:
    """The tuple/list structure ``spec`` of ``map_plain`` filled from the iterator ``leaves``."""
    t, specs = spec
    out = [next(leaves) if s is None else rebuild_plain(s, leaves) for s in specs]
    return out if t is list else tuple(out)
