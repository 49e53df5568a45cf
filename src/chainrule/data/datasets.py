"""Small datasets shipped inside the package, so examples run with no download."""

from __future__ import annotations

from importlib import resources

import numpy as np

IRIS_CLASSES = ("setosa", "versicolor", "virginica")
IRIS_FEATURES = ("sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)")


def load_iris() -> tuple[np.ndarray, np.ndarray]:
    """Fisher's Iris data (150 flowers): ``features`` (150, 4) float64 and ``labels`` (150,)
    int64 in 0..2 (setosa, versicolor, virginica), the data set of seeds 000/001.

    Example:
        >>> from chainrule.data import load_iris
        >>> X, y = load_iris()
        >>> X.shape, int(y.max())
        ((150, 4), 2)
    """
    text = resources.files("chainrule.data").joinpath("iris.csv").read_text()
    rows = np.loadtxt(text.splitlines()[1:], delimiter=",")
    return rows[:, :4], rows[:, 4].astype(np.int64)
