"""Search spaces (issue 14, seed 003 section 3.3.1): each hyperparameter sampled on its own scale,
grids, the coarse-to-fine box, and TOML files with every mistake named."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainrule.tune import (
    Choice,
    IntUniform,
    LogUniform,
    SearchSpace,
    SearchSpaceError,
    Uniform,
    load_space,
    space_from_dict,
)


def test_log_uniform_is_uniform_in_the_exponent():
    rng = np.random.default_rng(0)
    dist = LogUniform(1e-4, 1e-1)
    exponents = np.log10([dist.sample(rng) for _ in range(20000)])
    assert exponents.min() >= -4 and exponents.max() <= -1
    # uniform on [-4, -1]: mean -2.5, variance 9/12; each decade holds a third of the draws
    assert abs(exponents.mean() + 2.5) < 0.02 and abs(exponents.var() - 0.75) < 0.02
    counts = np.histogram(exponents, bins=[-4, -3, -2, -1])[0] / exponents.size
    np.testing.assert_allclose(counts, 1 / 3, atol=0.015)


@settings(max_examples=50, deadline=None)
@given(st.floats(-1e3, 1e3), st.floats(0, 1e3), st.integers(-50, 50), st.integers(0, 50),
       st.integers(0, 2**32 - 1))
def test_samples_stay_inside_their_bounds(low, width, ilow, iwidth, seed):
    space = SearchSpace({"u": Uniform(low, low + width), "i": IntUniform(ilow, ilow + iwidth),
                         "c": Choice(("relu", "tanh"))})
    config = space.sample(np.random.default_rng(seed))
    assert low <= config["u"] <= low + width
    assert isinstance(config["i"], int) and ilow <= config["i"] <= ilow + iwidth
    assert config["c"] in ("relu", "tanh")


def test_int_uniform_includes_both_ends():
    rng = np.random.default_rng(1)
    assert {IntUniform(2, 4).sample(rng) for _ in range(200)} == {2, 3, 4}


def test_the_grid_spaces_each_axis_on_its_scale():
    space = SearchSpace({"lr": LogUniform(1e-4, 1e-2), "n": IntUniform(1, 2),
                         "act": Choice(("relu", "tanh"))})
    grid = space.grid(3)
    assert len(grid) == 3 * 2 * 2
    np.testing.assert_allclose(sorted({c["lr"] for c in grid}), [1e-4, 1e-3, 1e-2])
    assert grid[0] == {"lr": pytest.approx(1e-4), "n": 1, "act": "relu"}


def test_around_shrinks_the_box_on_each_scale_and_stays_inside():
    space = SearchSpace({"lr": LogUniform(1e-6, 1.0), "x": Uniform(0.0, 10.0),
                         "act": Choice(("relu", "tanh", "sigmoid"))})
    best = [{"lr": 1e-3, "x": 9.9, "act": "tanh"}, {"lr": 2e-3, "x": 9.5, "act": "tanh"}]
    small = space.around(best, fraction=0.3)
    # log axis: at least 0.3 of its 6 decades (1.8), centred on the best, in decades
    lo, hi = math.log10(small["lr"].low), math.log10(small["lr"].high)
    assert hi - lo == pytest.approx(1.8) and lo < -3 < math.log10(2e-3) < hi
    # linear axis against its upper bound: slid inside, 3 wide
    assert (small["x"].low, small["x"].high) == (pytest.approx(7.0), 10.0)
    assert small["act"].options == ("tanh",)


@pytest.mark.parametrize(("make", "message"), [
    (lambda: LogUniform(0.0, 1.0), "positive bounds"),
    (lambda: LogUniform(-1.0, 1.0), "positive bounds"),
    (lambda: Uniform(2.0, 1.0), "low <= high"),
    (lambda: Uniform(0.0, math.inf), "finite bounds"),
    (lambda: IntUniform(1, 2.5), "integer bounds"),
    (lambda: Choice(()), "at least one option"),
    (lambda: SearchSpace({}), "empty"),
    (lambda: SearchSpace({"x": (0, 1)}), "expected a distribution"),
])
def test_bad_distributions_are_named(make, message):
    with pytest.raises(SearchSpaceError, match=message):
        make()


def test_a_toml_file_becomes_a_space(tmp_path):
    path = tmp_path / "space.toml"
    path.write_text('momentum = { uniform = [0.5, 0.99] }\n\n[learning_rate]\n'
                    'log_uniform = [1e-4, 1e-1]\n\n[hidden]\nchoice = [64, 128, 256]\n\n'
                    '[batch_size]\nint_uniform = [16, 128]\n')
    space = load_space(path, allowed={"learning_rate", "hidden", "batch_size", "momentum"})
    assert space["learning_rate"] == LogUniform(1e-4, 1e-1)
    assert space["hidden"] == Choice((64, 128, 256))
    assert space["batch_size"] == IntUniform(16, 128)
    assert space["momentum"] == Uniform(0.5, 0.99)


@pytest.mark.parametrize(("text", "message"), [
    ("[lr]\nlog_uniform = = [1e-4, 1e-1]\n", r"not valid TOML: .*line 2"),
    ("", "the search space is empty"),
    ("[lr]\nloguniform = [1e-4, 1e-1]\n", "unknown distribution 'loguniform'; use one of"),
    ("[lr]\nlog_uniform = [0, 1e-1]\n", "'lr': log_uniform needs positive bounds"),
    ("[lr]\nuniform = [1]\n", "uniform needs two numbers"),
    ("[lr]\nuniform = [0, 1]\nchoice = [1]\n", "expected one distribution"),
    ("[depth]\nchoice = [1, 2]\n", "unknown hyperparameter 'depth'; the ones that can be tuned"),
])
def test_mistakes_in_a_space_file_are_named_with_the_file(tmp_path, text, message):
    path = tmp_path / "space.toml"
    path.write_text(text)
    with pytest.raises(SearchSpaceError, match=message) as caught:
        load_space(path, allowed={"lr"})
    assert str(path) in str(caught.value)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(SearchSpaceError, match="no such search-space file"):
        load_space(tmp_path / "absent.toml")


def test_space_from_dict_without_allowed_names_takes_any():
    assert list(space_from_dict({"anything": {"choice": [1]}})) == ["anything"]
