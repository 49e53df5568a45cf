"""The seeds' worked examples as plain NumPy code, shared by ``python -m chainrule``, the
tests and the documentation."""
