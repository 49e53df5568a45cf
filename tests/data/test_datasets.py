"""Bundled data sets, the Dataset record, load_dataset."""

import numpy as np
import pytest

from chainrule.data import (
    DIGITS_CLASSES,
    IRIS_CLASSES,
    IRIS_FEATURES,
    Dataset,
    dataset_names,
    load_dataset,
    load_digits,
    load_iris,
)


def test_iris_shapes_dtypes_and_class_counts():
    X, y = load_iris()
    assert X.shape == (150, 4) and X.dtype == np.float64
    assert y.shape == (150,) and y.dtype == np.int64
    assert np.bincount(y).tolist() == [50, 50, 50]
    # Published summary statistics of Fisher's data (sepal length mean 5.843, petal length
    # range 1.0 .. 6.9) and the first flower 5.1, 3.5, 1.4, 0.2 (setosa).
    assert X[:, 0].mean() == pytest.approx(5.8433, abs=1e-4)
    assert (X[:, 2].min(), X[:, 2].max()) == (1.0, 6.9)
    assert X[0].tolist() == [5.1, 3.5, 1.4, 0.2] and y[0] == 0


def test_digits_shapes_dtypes_and_class_counts():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert np.array_equal(X, np.round(X)) and X.min() == 0.0 and X.max() == 16.0
    assert np.bincount(y).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert y[:3].tolist() == [0, 1, 2]
    # The first image is a zero: its 8 x 8 border columns are blank, its centre is not.
    image = X[0].reshape(8, 8)
    assert image[:, 0].sum() == 0 and image[:, 7].sum() == 0 and image[3:5, 2:6].sum() > 0


def test_loaders_return_fresh_copies():
    X, y = load_iris()
    X[:] = 0.0
    y[:] = 7
    X2, y2 = load_iris()
    assert X2[0, 0] == 5.1 and y2.max() == 2
    D, _ = load_digits()
    D[0, 0] = 99.0
    assert load_digits()[0][0, 0] == 0.0


def test_load_dataset_bundled_with_names():
    iris = load_dataset("iris")
    assert isinstance(iris, Dataset)
    assert iris.feature_names == IRIS_FEATURES and iris.class_names == IRIS_CLASSES
    assert iris.task == "classification" and iris.n_classes == 3 and iris.target_name == "species"
    X, y = iris
    assert np.array_equal(X, load_iris()[0]) and np.array_equal(y, load_iris()[1])
    digits = load_dataset("Digits")
    assert digits.class_names == DIGITS_CLASSES and digits.X.shape == (1797, 64)
    assert "10 classes" in repr(digits)


@pytest.mark.parametrize("name", ["spirals", "moons", "xor", "blobs"])
def test_load_dataset_generated_classification(name):
    data = load_dataset(name, n_samples=40, seed=3)
    assert data.X.shape[0] == 40 and data.y.dtype == np.int64
    assert data.class_names == tuple(str(c) for c in range(data.y.max() + 1))
    again = load_dataset(name, n_samples=40, seed=3)
    assert np.array_equal(data.X, again.X) and np.array_equal(data.y, again.y)


def test_load_dataset_sine_is_regression():
    data = load_dataset("sine", n_samples=30, noise=0.0, seed=1)
    assert data.task == "regression" and data.n_classes is None
    assert data.y.shape == (30, 1)
    np.testing.assert_allclose(data.y, np.sin(data.X))


def test_load_dataset_files(tmp_path):
    from chainrule.data import save_csv, save_npz

    X, y = load_iris()
    save_csv(tmp_path / "iris.csv", X, y, class_names=IRIS_CLASSES)
    save_npz(tmp_path / "iris.npz", X, y, class_names=IRIS_CLASSES)
    from_csv = load_dataset(tmp_path / "iris.csv", target="target")
    from_npz = load_dataset(str(tmp_path / "iris.npz"))
    for data in (from_csv, from_npz):
        assert np.array_equal(data.X, X) and np.array_equal(data.y, y)
        assert data.class_names == IRIS_CLASSES


def test_load_dataset_errors():
    assert dataset_names() == ("iris", "digits", "spirals", "moons", "xor", "sine", "blobs")
    with pytest.raises(ValueError, match="unknown data set 'mnist'.*'iris'"):
        load_dataset("mnist")
    with pytest.raises(TypeError, match="'iris' takes no options"):
        load_dataset("iris", noise=0.1)
    with pytest.raises(TypeError, match="noise_level"):
        load_dataset("moons", noise_level=0.1)
