"""Specs of convolution and correlation: ``numpy.convolve`` / ``numpy.correlate`` in every mode,
and ``chainrule.scipy.signal.convolve`` / ``correlate`` (n-d, every mode and method) when SciPy
is installed. All are windows of the one ``convolve`` primitive (the full n-d convolution).

Lengths cover a longer first operand, a longer second one, equal lengths and odd/even mixes,
because NumPy's and SciPy's windows ('same', 'valid') depend on which operand is longer.
"""

import numpy as np

from tests.specs.base import Spec

_PAIRS_1D = (((5,), (3,)), ((3,), (5,)), ((4,), (4,)), ((2,), (5,)), ((6,), (2,)))

SPECS = []
for _mode in ("full", "same", "valid"):
    SPECS += [
        Spec(f"convolve-{_mode}", lambda a, v, m=_mode: np.convolve(a, v, m),
             lambda a, v, m=_mode: np.convolve(a, v, m), _PAIRS_1D, ("convolve",)),
        Spec(f"correlate-{_mode}", lambda a, v, m=_mode: np.correlate(a, v, m),
             lambda a, v, m=_mode: np.correlate(a, v, m), _PAIRS_1D, ("convolve",)),
        # complex operands: correlate conjugates v (the convolution itself is bilinear)
        Spec(f"convolve-{_mode}-complex", lambda a, v, m=_mode: np.convolve(a, v, m),
             lambda a, v, m=_mode: np.convolve(a, v, m), _PAIRS_1D[:2], ("convolve",),
             complex=True),
        Spec(f"correlate-{_mode}-complex", lambda a, v, m=_mode: np.correlate(a, v, m),
             lambda a, v, m=_mode: np.correlate(a, v, m), _PAIRS_1D[:2], ("convolve",),
             complex=True),
    ]
SPECS += [
    Spec("convolve-scalar", lambda a, v: np.convolve(a, v) ** 2,
         lambda a, v: np.convolve(a, v) ** 2, (((), (3,)), ((1,), (1,))), ("convolve",)),
    Spec("convolve-default", np.convolve, np.convolve, (((4,), (3,)),), ("convolve",)),
    Spec("correlate-default", np.correlate, np.correlate, (((4,), (3,)),), ("convolve",)),
    # a nonlinear use: the output squared, so second derivatives mix both operands
    Spec("convolve-squared", lambda a, v: np.convolve(a, v, "same") ** 2,
         lambda a, v: np.convolve(a, v, "same") ** 2, (((5,), (2,)),), ("convolve",)),
]

try:
    from scipy import signal as _signal

    from chainrule.scipy import signal as _csignal
except ImportError:  # SciPy is an optional extra: its specs run only where it is installed
    _signal = None

_PAIRS_ND = (((4, 3), (2, 2)), ((2, 3), (3, 4)), ((3, 2, 3), (2, 2, 2)), ((5,), (2,)))
_VALID_ND = (((4, 3), (2, 2)), ((2, 2), (3, 4)), ((3, 2, 3), (2, 2, 2)), ((2,), (5,)))

if _signal is not None:
    for _mode in ("full", "same", "valid"):
        for _method in ("direct", "fft", "auto"):
            _shapes = _VALID_ND if _mode == "valid" else _PAIRS_ND
            for _ours, _ref in ((_csignal.convolve, _signal.convolve),
                                (_csignal.correlate, _signal.correlate)):
                SPECS.append(Spec(
                    f"signal.{_ours.__name__}-{_mode}-{_method}",
                    lambda a, b, f=_ours, m=_mode, me=_method: f(a, b, mode=m, method=me),
                    lambda a, b, f=_ref, m=_mode, me=_method: f(a, b, mode=m, method=me),
                    _shapes, ("convolve",)))
    for _mode in ("full", "same", "valid"):
        for _method in ("direct", "fft"):
            for _ours, _ref in ((_csignal.convolve, _signal.convolve),
                                (_csignal.correlate, _signal.correlate)):
                SPECS.append(Spec(
                    f"signal.{_ours.__name__}-{_mode}-{_method}-complex",
                    lambda a, b, f=_ours, m=_mode, me=_method: f(a, b, mode=m, method=me),
                    lambda a, b, f=_ref, m=_mode, me=_method: f(a, b, mode=m, method=me),
                    (((4, 3), (2, 2)), ((2, 2), (3, 4))), ("convolve",), complex=True))
    SPECS.append(Spec("signal.correlate-0d-complex", _csignal.correlate, _signal.correlate,
                      (((), ()),), ("multiply",), complex=True))
    SPECS.append(Spec("signal.convolve-0d", lambda a, b: _csignal.convolve(a, b) ** 2,
                      lambda a, b: _signal.convolve(a, b) ** 2, (((), ()),), ("multiply",)))
