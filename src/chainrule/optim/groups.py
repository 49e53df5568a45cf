"""Parameter groups: a different transformation (learning rate, weight decay, optimizer, or
frozen) for each labelled part of the parameters.

``labels`` is a pytree with the structure of the parameters whose leaves are labels, e.g.
``{"conv": {"W": "slow", "b": "slow"}, "head": {"W": "fast", "b": "fast"}}``, or a function
that builds it from the parameters (e.g. ``lambda p: cr.tree_map(lambda _: "all", p)``). Each
group's transformation sees a list of that group's leaves, in flattening order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from chainrule.optim.base import (
    GradientTransformation,
    LookaheadGradient,
    NonFiniteGradientError,
)
from chainrule.tree import tree_flatten, tree_unflatten


class MultiTransformState(NamedTuple):
    """The states of the groups of ``multi_transform``, by label.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import multi_transform, sgd
        >>> tx = multi_transform({"a": sgd(0.1)}, ["a"])
        >>> list(tx.init([np.zeros(1)]).inner)
        ['a']
    """

    inner: dict  # label -> the state of that group's transformation


def multi_transform(transforms: Mapping[Any, GradientTransformation],
                    labels: Any | Callable[[Any], Any]) -> GradientTransformation:
    """Apply ``transforms[label]`` to the leaves labelled ``label``.

    A non-finite gradient error from a group is raised again with the leaf index in the whole
    gradient tree. Groups with a lookahead (``nesterov_lookahead``) move only their own
    leaves, and get their part of a ``LookaheadGradient``.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import multi_transform, sgd, set_to_zero
        >>> params = {"body": np.ones(2), "head": np.ones(1)}
        >>> tx = multi_transform({"slow": sgd(0.01), "fast": sgd(1.0), "frozen": set_to_zero()},
        ...                      {"body": "slow", "head": "fast"})
        >>> updates, _ = tx.update({"body": np.ones(2), "head": np.ones(1)}, tx.init(params))
        >>> updates["body"].tolist(), updates["head"].tolist()
        ([-0.01, -0.01], [-1.0])
    """
    op = "multi_transform"
    transforms = dict(transforms)
    for label, t in transforms.items():
        if not isinstance(t, GradientTransformation):
            raise TypeError(f"{op}: the transformation for {label!r} is a {type(t).__name__}, "
                            "not a GradientTransformation")

    def groups(tree: Any) -> tuple[list, Any, dict[Any, list[int]]]:
        """The leaves of ``tree``, its structure, and the leaf indices of each label."""
        leaves, treedef = tree_flatten(tree)
        label_tree = labels(tree) if callable(labels) else labels
        label_leaves, label_def = tree_flatten(label_tree)
        if len(label_leaves) != len(leaves):
            raise ValueError(
                f"{op}: the labels have {len(label_leaves)} leaves ({label_def!r}) but the "
                f"parameters have {len(leaves)} ({treedef!r}); give one label per parameter "
                "array, e.g. cr.tree_map(lambda p: 'default', params) edited where needed"
            )
        index: dict[Any, list[int]] = {label: [] for label in transforms}
        for k, label in enumerate(label_leaves):
            if label not in index:
                raise ValueError(f"{op}: leaf {k} has the label {label!r}, which has no "
                                 f"transformation (labels: {list(transforms)})")
            index[label].append(k)
        return leaves, treedef, index

    def init(params: Any) -> MultiTransformState:
        leaves, _, index = groups(params)
        return MultiTransformState({label: t.init([leaves[k] for k in index[label]])
                                    for label, t in transforms.items()})

    def update(grads: Any, state: MultiTransformState, params: Any = None
               ) -> tuple[Any, MultiTransformState]:
        point = None
        if isinstance(grads, LookaheadGradient):
            point, grads = tree_flatten(grads.point)[0], grads.grads
        g_leaves, treedef, index = groups(grads)
        p_leaves = None if params is None else tree_flatten(params)[0]
        out = list(g_leaves)
        new_inner = {}
        for label, t in transforms.items():
            idx = index[label]
            sub_p = None if p_leaves is None else [p_leaves[k] for k in idx]
            sub_g = [g_leaves[k] for k in idx]
            if point is not None and t.lookahead is not None:
                sub_g = LookaheadGradient([point[k] for k in idx], sub_g)
            try:
                sub_u, new_inner[label] = t.update(sub_g, state.inner[label], sub_p)
            except NonFiniteGradientError as e:
                raise NonFiniteGradientError(f"{e.optimizer} (group {label!r})", e.step,
                                             idx[e.leaf_index], e.detail) from None
            for k, u in zip(idx, sub_u, strict=True):
                out[k] = u
        return tree_unflatten(treedef, out), MultiTransformState(new_inner)

    lookahead = None
    if any(t.lookahead is not None for t in transforms.values()):
        def lookahead(params: Any, state: MultiTransformState) -> Any:
            leaves, treedef, index = groups(params)
            out = list(leaves)
            for label, t in transforms.items():
                if t.lookahead is None:
                    continue
                idx = index[label]
                moved = t.lookahead([leaves[k] for k in idx], state.inner[label])
                for k, p in zip(idx, moved, strict=True):
                    out[k] = p
            return tree_unflatten(treedef, out)

    return GradientTransformation(init, update, lookahead)
