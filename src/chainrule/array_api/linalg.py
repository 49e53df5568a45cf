"""The standard's ``linalg`` extension over ``chainrule.numpy.linalg`` (NumPy 2's
``numpy.linalg`` already has the standard's names and signatures)."""

from chainrule.numpy import linalg as _linalg

_NAMES = ("cholesky cross det diagonal eigh eigvalsh inv matmul matrix_norm matrix_power "
          "matrix_rank matrix_transpose outer pinv qr slogdet solve svd svdvals tensordot trace "
          "vecdot vector_norm").split()
for _name in _NAMES:
    globals()[_name] = getattr(_linalg, _name)

__all__ = list(_NAMES)
