"""The standard's ``fft`` extension over ``chainrule.numpy.fft`` (same names and
signatures)."""

from chainrule.numpy import fft as _fft

_NAMES = ("fft ifft fftn ifftn rfft irfft rfftn irfftn hfft ihfft fftfreq rfftfreq fftshift "
          "ifftshift").split()
for _name in _NAMES:
    globals()[_name] = getattr(_fft, _name)

__all__ = list(_NAMES)
