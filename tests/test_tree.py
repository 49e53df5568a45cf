"""Pytrees: flatten/unflatten round trips and tree_map."""

import dataclasses
from collections import namedtuple

import pytest

import chainrule as cr
from chainrule.tree import unflattener

Point = namedtuple("Point", "x y")


@dataclasses.dataclass
class Box:
    a: object
    b: object


@pytest.mark.parametrize("tree", [
    1.0,
    (1.0, [2.0, {"k": 3.0, "j": None}]),
    {"b": 1.0, "a": (2.0, 3.0)},
    Point(1.0, [2.0]),
    Box(1.0, {"z": (2.0,)}),
    [],
])
def test_round_trip(tree):
    leaves, treedef = cr.tree_flatten(tree)
    assert cr.tree_unflatten(treedef, leaves) == tree
    rebuilt = unflattener(treedef)([v for v in leaves])  # the written-out rebuild: the same
    assert rebuilt == tree and type(rebuilt) is type(tree)
    doubled = cr.tree_map(lambda v: v * 2, tree)
    assert cr.tree_leaves(doubled) == [v * 2 for v in leaves]


def test_dict_keeps_insertion_order_and_structures_compare():
    assert cr.tree_leaves({"b": 1, "a": 2}) == [1, 2]
    assert cr.tree_flatten({"a": 1})[1] != cr.tree_flatten({"b": 1})[1]
    with pytest.raises(ValueError, match="structures differ"):
        cr.tree_map(lambda a, b: a, {"a": 1}, {"b": 1})
    with pytest.raises(ValueError, match="has 2 leaves"):
        cr.tree_unflatten(cr.tree_flatten((1, 2))[1], [1])


def test_registered_node():
    class Pair:
        def __init__(self, a, b):
            self.a, self.b = a, b

    cr.register_pytree_node(Pair, lambda p: ((p.a, p.b), None), lambda aux, ch: Pair(*ch))
    leaves, treedef = cr.tree_flatten([Pair(1, 2), 3])
    assert leaves == [1, 2, 3]
    rebuilt = cr.tree_unflatten(treedef, [4, 5, 6])
    assert (rebuilt[0].a, rebuilt[0].b, rebuilt[1]) == (4, 5, 6)
    again = unflattener(treedef)([4, 5, 6])  # a registered node: through tree_unflatten
    assert (again[0].a, again[0].b, again[1]) == (4, 5, 6)
