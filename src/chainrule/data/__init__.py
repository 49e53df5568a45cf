"""Bundled datasets (``load_iris``)."""

from chainrule.data.datasets import load_iris

__all__ = ["load_iris"]
