"""The examples in chainrule.nn's docstrings run and give the values they show."""

import doctest
import importlib
import warnings

import pytest

MODULES = ["__init__", "activations", "autoencoder", "init", "layers", "losses", "module",
           "norm", "penalties", "shapes", "state"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(
        "chainrule.nn" if name == "__init__" else f"chainrule.nn.{name}")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
