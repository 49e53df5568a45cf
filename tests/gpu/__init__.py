"""Tests that need CuPy and a CUDA GPU (marker ``gpu``). Without them every test here is
skipped with the reason; on a lent GPU machine run ``pytest -m gpu tests/gpu``."""
