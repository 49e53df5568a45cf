"""``chainrule.scipy``: differentiable SciPy functions (the optional ``scipy`` extra).

Import the submodule you need (``chainrule.scipy.special``, ``.stats``, ``.signal``, ``.linalg``,
``.integrate``); each needs SciPy installed (``pip install chainrule[scipy]``).
"""
