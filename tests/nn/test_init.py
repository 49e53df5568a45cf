"""Initializers (seed 003 section 3.3.3): distributions, seeding, dtypes, symmetry warnings."""

import functools
import math
import warnings

import numpy as np
import pytest

from chainrule import nn
from chainrule.nn import init

SHAPE = (500, 300)  # fan_in 500, fan_out 300: 150,000 draws

STDS = {
    "fan_in_normal": math.sqrt(1 / 500),
    "xavier_normal": math.sqrt(2 / 800),
    "he_normal": math.sqrt(2 / 500),
}
BOUNDS = {
    "fan_in_uniform": 1 / math.sqrt(500),
    "xavier_uniform": math.sqrt(6 / 800),
    "he_uniform": math.sqrt(6 / 500),
}


@pytest.mark.parametrize("name", STDS)
def test_normal_initializers_have_the_stated_std(name):
    w = init.get(name)(SHAPE, rng=0)
    assert abs(w.mean()) < 0.01 * STDS[name]  # ~4 standard errors
    np.testing.assert_allclose(w.std(), STDS[name], rtol=0.01)


@pytest.mark.parametrize("name", BOUNDS)
def test_uniform_initializers_have_the_stated_bounds(name):
    a = BOUNDS[name]
    w = init.get(name)(SHAPE, rng=0)
    assert -a <= w.min() < -0.99 * a and 0.99 * a < w.max() <= a
    np.testing.assert_allclose(w.var(), a * a / 3, rtol=0.01)


def test_simple_initializers():
    np.testing.assert_allclose(init.normal((100_000,), rng=1).std(), 0.01, rtol=0.01)
    np.testing.assert_allclose(init.normal((100_000,), rng=1, std=2.0).std(), 2.0, rtol=0.01)
    u = init.uniform((100_000,), rng=1, a=0.3)
    assert u.min() >= -0.3 and u.max() <= 0.3
    np.testing.assert_array_equal(init.zeros((2, 3)), np.zeros((2, 3)))
    np.testing.assert_array_equal(init.constant((2,), value=1.5), [1.5, 1.5])


def test_aliases_fans_and_names():
    assert init.glorot_normal is init.xavier_normal and init.kaiming_uniform is init.he_uniform
    assert init.get("kaiming_normal") is init.he_normal
    assert init.fans((3, 4, 5)) == (4, 5) and init.fans((6,)) == (6, 6)
    with pytest.raises(ValueError, match="unknown initializer 'lecun'"):
        init.get("lecun")


def test_seeds_generators_and_dtypes():
    a = init.he_normal((4, 3), rng=7)
    b = init.he_normal((4, 3), rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)
    c = init.he_normal((4, 3), rng=7, dtype=np.float32)
    assert c.dtype == np.float32
    np.testing.assert_array_equal(c, a.astype(np.float32))
    assert not np.array_equal(init.he_normal((4, 3), rng=8), a)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        init.as_rng(1.5)
    layer = nn.Linear(4, 3, init="he_normal", rng=7)
    np.testing.assert_array_equal(layer.W, a)
    half = nn.Linear(4, 3, init=functools.partial(init.normal, std=0.5), rng=7)
    np.testing.assert_array_equal(half.W, 0.5 * np.random.default_rng(7).standard_normal((4, 3)))


def test_equal_weights_warn_naming_the_layer():
    with pytest.warns(nn.SymmetryWarning, match=r"Linear\(3 -> 4\): all 12 weights are equal"):
        nn.Linear(3, 4, init="zeros")
    with pytest.warns(nn.SymmetryWarning, match=r"Maxout\(3 -> 2, k=2\)"):
        nn.Maxout(3, 2, init=functools.partial(init.constant, value=0.1))
    with pytest.warns(nn.SymmetryWarning, match=r"TiedAutoencoder\(3 -> 2 -> 3\)"):
        nn.TiedAutoencoder(3, 2, init="zeros")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.Linear(3, 1, init="zeros")  # a single unit has no symmetry to break
        nn.Linear(3, 4, rng=0)


def test_warning_points_at_the_caller_and_bad_initializers_are_errors():
    with pytest.warns(nn.SymmetryWarning) as record:
        nn.Linear(3, 4, init="zeros")
    assert record[0].filename == __file__
    with pytest.raises(ValueError, match=r"Linear\(3 -> 4\): the initializer .* returned a "
                                         r"float64 array of shape \(4, 3\)"):
        nn.Linear(3, 4, init=lambda shape, rng, dtype: np.zeros(shape[::-1]))
