"""Optimizer state as a flat list of arrays, for checkpoints (``np.savez``) and back.

Every optimizer state here is a pytree whose leaves are NumPy arrays (step counters are 0-d
int64 arrays), so ``state_to_arrays`` is its list of leaves and ``state_from_arrays`` pours
saved arrays into a freshly initialised state of the same structure, checking them one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from chainrule.backend import foreign, to_host, to_library
from chainrule.tree import tree_flatten, tree_unflatten


def state_to_arrays(state: Any) -> list[np.ndarray]:
    """The leaves of ``state`` in flattening order (``cr.tree_flatten(state)[0]``), checked to
    be NumPy arrays; another library's (CuPy on a GPU) are copied to NumPy.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import adam, state_to_arrays
        >>> [a.shape for a in state_to_arrays(adam().init({"w": np.zeros(3)}))]
        [(), (), (3,), (3,)]
    """
    leaves = tree_flatten(state)[0]
    for k, leaf in enumerate(leaves):
        if foreign(leaf):  # another library's accumulators: copied to NumPy, explicitly
            leaves[k] = to_host(leaf)
        elif not isinstance(leaf, np.ndarray):
            raise TypeError(
                f"state_to_arrays: leaf {k} of the state is a {type(leaf).__name__}, not a "
                "NumPy array; optimizer states must hold only arrays"
            )
    return leaves


def state_from_arrays(template_state: Any, arrays: Sequence[np.ndarray]) -> Any:
    """A state with the structure of ``template_state`` (e.g. ``tx.init(params)``) and the
    values of ``arrays`` (from ``state_to_arrays``, possibly through an .npz file), copied.

    Raises ValueError naming the first leaf whose shape or dtype differs, or when the counts
    differ.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim import momentum, state_from_arrays, state_to_arrays
        >>> tx = momentum(0.1)
        >>> _, state = tx.update(np.ones(2), tx.init(np.zeros(2)))
        >>> restored = state_from_arrays(tx.init(np.zeros(2)), state_to_arrays(state))
        >>> int(restored[0].count), restored[-1].velocity[0].tolist()   # a chain's state
        (1, [-0.1, -0.1])
    """
    template_leaves, treedef = tree_flatten(template_state)
    arrays = list(arrays)
    if len(arrays) != len(template_leaves):
        raise ValueError(
            f"state_from_arrays: the state {treedef!r} has {len(template_leaves)} arrays but "
            f"{len(arrays)} were given; restore into a state built by the same optimizer "
            "(same chain, same parameter structure)"
        )
    restored = []
    for k, (t, a) in enumerate(zip(template_leaves, arrays, strict=True)):
        a = np.asarray(a)
        if foreign(t):  # the template's library (CuPy: its device) and dtype
            if a.shape != tuple(t.shape):
                raise ValueError(f"state_from_arrays: array {k} has shape {list(a.shape)} but "
                                 f"the state expects {list(t.shape)}")
            restored.append(to_library(a, t))
            continue
        t_shape, t_dtype = np.shape(t), np.asarray(t).dtype
        if a.shape != t_shape or a.dtype != t_dtype:
            raise ValueError(
                f"state_from_arrays: array {k} is {a.dtype}{list(a.shape)} but the state "
                f"expects {t_dtype}{list(t_shape)}; the saved state belongs to other "
                "parameters or another optimizer (cast with .astype if only the dtype changed)"
            )
        restored.append(np.array(a, copy=True))
    return tree_unflatten(treedef, restored)
