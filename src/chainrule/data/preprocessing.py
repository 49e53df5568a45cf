"""Feature preprocessing (seed 003, section 3.3.2): mean-centering, standardization, min-max
scaling, and one-hot encoding of class labels. PCA whitening is in ``whitening.py``.

Each preprocessor is fitted on the training data only (``fit``) and then applied unchanged to
training, validation and test data (``transform``), so no statistic of the held-out data leaks
into training. ``get_state()`` returns the fitted statistics as a dict of NumPy arrays (ready
for an ``.npz`` checkpoint, no pickle) and ``set_state(state)`` restores them. Outputs are
float64; statistics are population ones (divide by n, as the seed's covariance C = D^T D / n).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Self

import numpy as np
from numpy.typing import ArrayLike


class Preprocessor(ABC):
    """Base class: ``fit`` learns per-column statistics from an (n, d) matrix, ``transform``
    applies them to any matrix with d columns, ``inverse_transform`` maps back.

    Subclasses list their fitted arrays in ``_state_names`` (the first one has one entry per
    input column) and implement ``_fit``, ``_forward`` and ``_backward``.
    """

    _state_names: tuple[str, ...] = ()

    def __init__(self) -> None:
        self._state: dict[str, np.ndarray] | None = None

    @property
    def fitted(self) -> bool:
        """Whether ``fit`` (or ``set_state``) has been called."""
        return self._state is not None

    @property
    def n_features_in(self) -> int:
        """Number of columns the fitted preprocessor accepts."""
        return int(self._require("n_features_in")[self._state_names[0]].shape[0])

    @property
    def n_features_out(self) -> int:
        """Number of columns ``transform`` returns."""
        return self.n_features_in

    def _require(self, op: str) -> dict[str, np.ndarray]:
        if self._state is None:
            raise ValueError(f"{type(self).__name__}.{op}: not fitted; call fit(X_train) first")
        return self._state

    def _matrix(self, X: ArrayLike, op: str, width: int | None) -> np.ndarray:
        name = f"{type(self).__name__}.{op}"
        try:
            X = np.asarray(X, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise TypeError(f"{name}: expected a numeric array, got {type(X).__name__}") from error
        if X.ndim != 2:
            raise ValueError(
                f"{name}: expected a 2-D array (n_samples, n_features), got shape {X.shape}; "
                "use X.reshape(-1, 1) for a single feature"
            )
        if width is not None and X.shape[1] != width:
            raise ValueError(
                f"{name}: X has {X.shape[1]} columns but the preprocessor was fitted on data "
                f"with {width} columns"
            )
        return X

    def fit(self, X: ArrayLike) -> Self:
        """Learn the statistics of the training matrix ``X`` (n, d); returns ``self``."""
        X = self._matrix(X, "fit", None)
        if X.shape[0] == 0:
            raise ValueError(f"{type(self).__name__}.fit: X has no rows")
        bad = np.argwhere(~np.isfinite(X))
        if bad.size:
            r, c = (int(v) for v in bad[0])
            raise ValueError(f"{type(self).__name__}.fit: X[{r}, {c}] is {X[r, c]}")
        self._state = self._fit(X)
        return self

    def transform(self, X: ArrayLike) -> np.ndarray:
        """Apply the fitted statistics to ``X`` (any split with the training width)."""
        self._require("transform")
        return self._forward(self._matrix(X, "transform", self.n_features_in))

    def fit_transform(self, X: ArrayLike) -> np.ndarray:
        """``fit(X)`` then ``transform(X)``."""
        return self.fit(X).transform(X)

    def inverse_transform(self, Z: ArrayLike) -> np.ndarray:
        """Map transformed data back to the original units."""
        self._require("inverse_transform")
        return self._backward(self._matrix(Z, "inverse_transform", self.n_features_out))

    def get_state(self) -> dict[str, np.ndarray]:
        """The fitted statistics as a dict of array copies (for a checkpoint)."""
        return {k: v.copy() for k, v in self._require("get_state").items()}

    def set_state(self, state: Mapping[str, ArrayLike]) -> Self:
        """Restore statistics saved by ``get_state``; returns ``self``."""
        missing = [k for k in self._state_names if k not in state]
        if missing:
            raise ValueError(
                f"{type(self).__name__}.set_state: missing {missing}; expected keys "
                f"{list(self._state_names)}, got {sorted(state)}"
            )
        arrays = {k: np.array(state[k], dtype=np.float64) for k in self._state_names}
        self._check_state(arrays)
        self._state = arrays
        return self

    def _check_state(self, state: dict[str, np.ndarray]) -> None:
        shapes = {k: v.shape for k, v in state.items()}
        first = next(iter(state.values()))
        if first.ndim != 1 or any(v.shape != first.shape for v in state.values()):
            raise ValueError(
                f"{type(self).__name__}.set_state: expected 1-D arrays of one length, got {shapes}"
            )

    @abstractmethod
    def _fit(self, X: np.ndarray) -> dict[str, np.ndarray]:
        """The fitted arrays for training data ``X`` (finite, at least one row)."""

    @abstractmethod
    def _forward(self, X: np.ndarray) -> np.ndarray:
        """Transform ``X`` (width already checked)."""

    @abstractmethod
    def _backward(self, Z: np.ndarray) -> np.ndarray:
        """Undo ``_forward`` on ``Z`` (width already checked)."""


class MeanCenterer(Preprocessor):
    """Subtract the training column means (seed 003, section 3.3.2, item 1).

    State: ``mean`` (d,).

    Example:
        >>> import numpy as np
        >>> from chainrule.data import MeanCenterer
        >>> c = MeanCenterer().fit(np.array([[1.0, 10.0], [3.0, 20.0]]))
        >>> c.transform(np.array([[2.0, 0.0]])).tolist()
        [[0.0, -15.0]]
    """

    _state_names = ("mean",)

    def _fit(self, X):
        return {"mean": X.mean(axis=0)}

    def _forward(self, X):
        return X - self._state["mean"]

    def _backward(self, Z):
        return Z + self._state["mean"]


class Standardizer(Preprocessor):
    """Mean-center and divide by the standard deviation, so each training column has mean 0
    and variance 1 (seed 003, section 3.3.2, item 2). Population standard deviation (ddof=0).

    A column that is constant in the training data (standard deviation 0, or below 8 machine
    epsilons of its mean's magnitude, i.e. rounding noise) is only centred: its scale is set to
    1, so it becomes 0 instead of dividing by zero, and ``inverse_transform`` still recovers it.

    State: ``mean`` (d,) and ``scale`` (d,).

    Example:
        >>> import numpy as np
        >>> from chainrule.data import Standardizer
        >>> s = Standardizer().fit(np.array([[1.0, 5.0], [3.0, 5.0]]))
        >>> s.transform(np.array([[1.0, 5.0], [5.0, 7.0]])).tolist()
        [[-1.0, 0.0], [3.0, 2.0]]
    """

    _state_names = ("mean", "scale")

    def _fit(self, X):
        mean = X.mean(axis=0)
        std = X.std(axis=0)
        constant = std <= 8 * np.finfo(np.float64).eps * np.abs(mean)
        return {"mean": mean, "scale": np.where(constant, 1.0, std)}

    def _forward(self, X):
        return (X - self._state["mean"]) / self._state["scale"]

    def _backward(self, Z):
        return Z * self._state["scale"] + self._state["mean"]


class MinMaxScaler(Preprocessor):
    """Scale each column linearly so the training minimum and maximum map to ``feature_range``
    (default (0, 1); seed 003, eq. 3.35). Values outside the training range map outside it.

    A column that is constant in the training data maps to ``feature_range[0]``.
    State: ``min`` (d,), ``range`` (d,) (max - min, 1 for constant columns), ``feature_range``
    (2,).

    Example:
        >>> import numpy as np
        >>> from chainrule.data import MinMaxScaler
        >>> m = MinMaxScaler().fit(np.array([[0.0, -1.0], [4.0, 1.0]]))
        >>> m.transform(np.array([[1.0, 0.0], [8.0, 1.0]])).tolist()
        [[0.25, 0.5], [2.0, 1.0]]
    """

    _state_names = ("min", "range", "feature_range")

    def __init__(self, feature_range: tuple[float, float] = (0.0, 1.0)) -> None:
        super().__init__()
        low, high = (float(v) for v in feature_range)
        if not low < high:
            raise ValueError(f"MinMaxScaler: feature_range must be (low, high) with low < high, "
                             f"got {feature_range}")
        self.feature_range = (low, high)

    def _fit(self, X):
        low, span = X.min(axis=0), np.ptp(X, axis=0)
        return {"min": low, "range": np.where(span > 0, span, 1.0),
                "feature_range": np.array(self.feature_range)}

    def _check_state(self, state):
        super()._check_state({"min": state["min"], "range": state["range"]})
        if state["feature_range"].shape != (2,):
            raise ValueError("MinMaxScaler.set_state: feature_range must have shape (2,)")
        self.feature_range = tuple(float(v) for v in state["feature_range"])

    def _forward(self, X):
        low, high = self.feature_range
        return low + (X - self._state["min"]) / self._state["range"] * (high - low)

    def _backward(self, Z):
        low, high = self.feature_range
        return (Z - low) / (high - low) * self._state["range"] + self._state["min"]


def _labels(y: ArrayLike, where: str) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"{where}: labels must be a 1-D array (n_samples,), got shape {y.shape}")
    if y.dtype == np.bool_ or np.issubdtype(y.dtype, np.integer):
        return y.astype(np.int64)
    if np.issubdtype(y.dtype, np.floating) and np.all(np.mod(y, 1) == 0):
        return y.astype(np.int64)
    raise TypeError(f"{where}: labels must be whole numbers (int dtype), got dtype {y.dtype}")


class OneHotEncoder:
    """Class labels ``0..k-1`` (n,) to one-hot rows (n, k) float64, and back by ``argmax``.

    The class count ``k`` is fixed at ``fit``: given as ``n_classes``, or ``max(label) + 1`` of
    the training labels. A label outside ``0..k-1`` later raises ValueError (the held-out data
    has a class the model never had an output for). State: ``n_classes`` (0-d int64 array).

    Example:
        >>> import numpy as np
        >>> from chainrule.data import OneHotEncoder
        >>> enc = OneHotEncoder().fit(np.array([0, 2, 1]))
        >>> enc.transform(np.array([2, 0])).tolist()
        [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
        >>> enc.inverse_transform(np.array([[0.1, 0.7, 0.2]])).tolist()
        [1]
    """

    def __init__(self, n_classes: int | None = None) -> None:
        if n_classes is not None and int(n_classes) < 1:
            raise ValueError(f"OneHotEncoder: n_classes must be >= 1, got {n_classes}")
        self._requested = None if n_classes is None else int(n_classes)
        self.n_classes: int | None = None

    @property
    def fitted(self) -> bool:
        """Whether ``fit`` (or ``set_state``) has been called."""
        return self.n_classes is not None

    def _require(self, op: str) -> int:
        if self.n_classes is None:
            raise ValueError(f"OneHotEncoder.{op}: not fitted; call fit(y_train) first")
        return self.n_classes

    def fit(self, y: ArrayLike) -> Self:
        """Fix the class count from the training labels ``y`` (n,); returns ``self``."""
        y = _labels(y, "OneHotEncoder.fit")
        if y.size and y.min() < 0:
            raise ValueError(f"OneHotEncoder.fit: labels must be >= 0, got {int(y.min())}")
        seen = int(y.max()) + 1 if y.size else 0
        if self._requested is not None and seen > self._requested:
            raise ValueError(
                f"OneHotEncoder.fit: label {seen - 1} but n_classes={self._requested}"
            )
        if self._requested is None and seen == 0:
            raise ValueError("OneHotEncoder.fit: no labels to count classes from; pass n_classes")
        self.n_classes = self._requested or seen
        return self

    def transform(self, y: ArrayLike) -> np.ndarray:
        """One-hot rows (n, n_classes) float64 for labels ``y`` (n,)."""
        k = self._require("transform")
        y = _labels(y, "OneHotEncoder.transform")
        bad = np.flatnonzero((y < 0) | (y >= k))
        if bad.size:
            raise ValueError(
                f"OneHotEncoder.transform: label {int(y[bad[0]])} at position {int(bad[0])} is "
                f"outside 0..{k - 1}, the {k} classes fixed at fit"
            )
        out = np.zeros((y.shape[0], k))
        out[np.arange(y.shape[0]), y] = 1.0
        return out

    def fit_transform(self, y: ArrayLike) -> np.ndarray:
        """``fit(y)`` then ``transform(y)``."""
        return self.fit(y).transform(y)

    def inverse_transform(self, Y: ArrayLike) -> np.ndarray:
        """Labels (n,) int64: the column of the largest entry of each row of ``Y`` (n, k)."""
        k = self._require("inverse_transform")
        Y = np.asarray(Y)
        if Y.ndim != 2 or Y.shape[1] != k:
            raise ValueError(
                f"OneHotEncoder.inverse_transform: expected shape (n, {k}) for the {k} classes "
                f"fixed at fit, got {Y.shape}"
            )
        return np.argmax(Y, axis=1).astype(np.int64)

    def get_state(self) -> dict[str, np.ndarray]:
        """``{"n_classes": array(k)}``."""
        return {"n_classes": np.array(self._require("get_state"), dtype=np.int64)}

    def set_state(self, state: Mapping[str, ArrayLike]) -> Self:
        """Restore a state from ``get_state``; returns ``self``."""
        if "n_classes" not in state:
            raise ValueError(f"OneHotEncoder.set_state: missing 'n_classes', got {sorted(state)}")
        k = int(np.asarray(state["n_classes"]))
        if k < 1:
            raise ValueError(f"OneHotEncoder.set_state: n_classes must be >= 1, got {k}")
        self.n_classes = k
        return self
