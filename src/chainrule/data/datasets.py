"""Small datasets shipped inside the package, so examples run with no download, and the
``Dataset`` record every loader in ``chainrule.data`` returns.

Sources and licences of the bundled files are in ``README.txt`` next to them:
``iris.csv`` (Fisher's Iris data, 150 x 4, 3 classes) and ``digits.csv.gz`` (UCI "Optical
Recognition of Handwritten Digits", test set, 1797 x 64, 10 classes, CC BY 4.0), both the
copies distributed with scikit-learn.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

IRIS_CLASSES = ("setosa", "versicolor", "virginica")
IRIS_FEATURES = ("sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)")
DIGITS_CLASSES = tuple(str(d) for d in range(10))
DIGITS_FEATURES = tuple(f"pixel_{r}_{c}" for r in range(8) for c in range(8))


@dataclass(frozen=True, eq=False)
class Dataset:
    """Features, targets and their names, as returned by ``load_dataset``, ``load_csv`` and
    ``load_npz``.

    ``X`` is float64 (n, d). For classification ``y`` is int64 (n,) in ``0..k-1`` and
    ``class_names`` lists the k names (label ``i`` means ``class_names[i]``); for regression
    ``y`` is float64 (n, 1) (or (n, m) for several targets) and ``class_names`` is None.
    A ``Dataset`` unpacks like a pair: ``X, y = load_dataset("iris")``. ``dropped`` lists the
    rows a loader skipped for NaN/inf with ``nonfinite="drop"``: CSV line numbers (1 = the
    header) or 0-based ``.npz`` sample indices.

    Example:
        >>> from chainrule.data import load_dataset
        >>> data = load_dataset("iris")
        >>> data.task, data.n_classes, data.class_names[2]
        ('classification', 3, 'virginica')
        >>> X, y = data
        >>> X.shape
        (150, 4)
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    target_name: str = "target"
    class_names: tuple[str, ...] | None = None
    source: str = ""
    dropped: tuple[int, ...] = ()

    def __iter__(self):
        return iter((self.X, self.y))

    @property
    def task(self) -> str:
        """``"classification"`` when the targets are class labels, else ``"regression"``."""
        return "regression" if self.class_names is None else "classification"

    @property
    def n_classes(self) -> int | None:
        """Number of classes (``len(class_names)``), or None for regression."""
        return None if self.class_names is None else len(self.class_names)

    def __repr__(self) -> str:
        kind = self.task if self.class_names is None else f"{self.n_classes} classes"
        where = f", source={self.source!r}" if self.source else ""
        skipped = f", {len(self.dropped)} rows dropped" if self.dropped else ""
        return f"Dataset(X={self.X.shape}, y={self.y.shape}, {kind}{where}{skipped})"


@cache
def _read_iris() -> np.ndarray:
    text = resources.files("chainrule.data").joinpath("iris.csv").read_text()
    return np.loadtxt(text.splitlines()[1:], delimiter=",")


@cache
def _read_digits() -> np.ndarray:
    raw = resources.files("chainrule.data").joinpath("digits.csv.gz").read_bytes()
    return np.loadtxt(gzip.decompress(raw).decode("ascii").splitlines(), delimiter=",")


def load_iris() -> tuple[np.ndarray, np.ndarray]:
    """Fisher's Iris data (150 flowers): ``features`` (150, 4) float64 and ``labels`` (150,)
    int64 in 0..2 (setosa, versicolor, virginica), the data set of seeds 000/001.

    Source: R. A. Fisher (1936), via the UCI Machine Learning Repository (CC BY 4.0), in the
    copy bundled with scikit-learn (which corrects two values of the UCI file); see
    ``chainrule/data/README.txt``. Names: ``IRIS_FEATURES``, ``IRIS_CLASSES``.

    Example:
        >>> from chainrule.data import load_iris
        >>> X, y = load_iris()
        >>> X.shape, int(y.max())
        ((150, 4), 2)
    """
    rows = _read_iris()
    return rows[:, :4].copy(), rows[:, 4].astype(np.int64)


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """Handwritten digits as 8 x 8 images: ``features`` (1797, 64) float64 with values 0..16
    (row-major pixels, ``X[i].reshape(8, 8)`` is the image) and ``labels`` (1797,) int64 in 0..9.

    Source: E. Alpaydin and C. Kaynak, "Optical Recognition of Handwritten Digits" (UCI Machine
    Learning Repository, 1998, CC BY 4.0), the test set (1797 images by 13 writers, each pixel
    the count of set pixels in a 4 x 4 block of a 32 x 32 bitmap), in the copy bundled with
    scikit-learn; see ``chainrule/data/README.txt``. Names: ``DIGITS_FEATURES``.

    Example:
        >>> import numpy as np
        >>> from chainrule.data import load_digits
        >>> X, y = load_digits()
        >>> X.shape, float(X.max()), np.bincount(y).size
        ((1797, 64), 16.0, 10)
    """
    rows = _read_digits()
    return rows[:, :64].copy(), rows[:, 64].astype(np.int64)
