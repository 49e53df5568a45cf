"""Data for training: bundled data sets, synthetic generators, CSV/NPZ loaders, preprocessing
fitted on training data only, stratified splits and resumable seeded mini-batches.

Conventions: features are float64 (n, d); class labels int64 (n,) in ``0..k-1``; regression
targets float64 (n, 1). Everything random takes ``seed`` (int, ``numpy.random.Generator`` or
None). Fitted state (preprocessors, batch iterator) is saved as arrays / JSON, never pickled.
"""

from chainrule.data.batching import BatchIterator
from chainrule.data.datasets import (
    DIGITS_CLASSES,
    DIGITS_FEATURES,
    IRIS_CLASSES,
    IRIS_FEATURES,
    Dataset,
    load_digits,
    load_iris,
)
from chainrule.data.generators import make_blobs, make_moons, make_sine, make_spirals, make_xor
from chainrule.data.loaders import load_csv, load_npz, save_csv, save_npz
from chainrule.data.preprocessing import (
    MeanCenterer,
    MinMaxScaler,
    OneHotEncoder,
    Preprocessor,
    Standardizer,
)
from chainrule.data.registry import dataset_names, load_dataset
from chainrule.data.split import Split, split_indices, stratified_split
from chainrule.data.whitening import PCAWhitener

__all__ = [
    "BatchIterator",
    "DIGITS_CLASSES",
    "DIGITS_FEATURES",
    "Dataset",
    "IRIS_CLASSES",
    "IRIS_FEATURES",
    "MeanCenterer",
    "MinMaxScaler",
    "OneHotEncoder",
    "PCAWhitener",
    "Preprocessor",
    "Split",
    "Standardizer",
    "dataset_names",
    "load_csv",
    "load_dataset",
    "load_digits",
    "load_iris",
    "load_npz",
    "make_blobs",
    "make_moons",
    "make_sine",
    "make_spirals",
    "make_xor",
    "save_csv",
    "save_npz",
    "split_indices",
    "stratified_split",
]
