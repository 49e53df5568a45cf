"""Specs of ``numpy.fft``: every transform on complex inputs (``complex=True``: derivatives
along real and imaginary directions) and on real inputs, with every ``norm`` and with lengths
``n`` / ``s`` that both crop and zero-pad, odd and even (the Nyquist bin of ``irfft``).

``rfft``, ``rfftn`` and ``ihfft`` take real inputs only (NumPy refuses complex ones).
"""

import numpy as np

import chainrule.numpy as cnp
from tests.specs.base import Spec

NORMS = (None, "backward", "ortho", "forward")


def _same(fn, **kw):
    """The spec's function and its NumPy reference: ``np.fft.<fn>(x, **kw)`` on both sides."""
    return (lambda x: getattr(np.fft, fn)(x, **kw)), (lambda x: getattr(np.fft, fn)(x, **kw))


def _specs(name, fn, shapes, prims, complex_=True, **kw):
    f, ref = _same(fn, **kw)
    return Spec(name, f, ref, shapes, prims, complex=complex_)


SPECS = []

# --- 1-D complex transforms: default, real input, every norm with a cropping and a padding n
for _fn in ("fft", "ifft"):
    SPECS += [
        _specs(_fn, _fn, (((6,),), ((3, 4),)), ("fftn",)),
        _specs(f"{_fn}-real", _fn, (((5,),), ((2, 3),)), ("fftn",), complex_=False),
    ]
    for _norm in NORMS[1:]:
        SPECS += [
            _specs(f"{_fn}-{_norm}-crop", _fn, (((5, 2),),), ("fftn",), n=3, axis=0,
                   norm=_norm),
            _specs(f"{_fn}-{_norm}-pad", _fn, (((2, 3),),), ("fftn",), n=5, norm=_norm),
            _specs(f"{_fn}-{_norm}-real-pad", _fn, (((3,),),), ("fftn",), complex_=False,
                   n=4, norm=_norm),
        ]

# --- real-input forward transforms (rfft, ihfft) and Hermitian inverses (irfft, hfft)
SPECS += [
    _specs("rfft", "rfft", (((6,),), ((5,),), ((2, 4),)), ("rfft", "fftn"), complex_=False),
    _specs("ihfft", "ihfft", (((6,),), ((5,),)), ("rfft", "fftn"), complex_=False),
    _specs("irfft", "irfft", (((4,),), ((2, 3),)), ("irfft", "fftn")),
    _specs("irfft-real", "irfft", (((4,),),), ("irfft", "fftn"), complex_=False),
    _specs("hfft", "hfft", (((4,),), ((3, 2),)), ("irfft", "fftn")),
    _specs("hfft-real", "hfft", (((3,),),), ("irfft", "fftn"), complex_=False),
]
for _norm in NORMS[1:]:
    for _n in (3, 4, 7, 8):  # crop/pad, odd/even
        SPECS += [
            _specs(f"rfft-{_norm}-n{_n}", "rfft", (((5, 2),),), ("rfft",), complex_=False,
                   n=_n, axis=0, norm=_norm),
            _specs(f"irfft-{_norm}-n{_n}", "irfft", (((2, 3),),), ("irfft",), n=_n,
                   norm=_norm),
            _specs(f"hfft-{_norm}-n{_n}", "hfft", (((3, 2),),), ("irfft",), n=_n, axis=0,
                   norm=_norm),
            _specs(f"ihfft-{_norm}-n{_n}", "ihfft", (((5,),),), ("rfft",), complex_=False,
                   n=_n, norm=_norm),
        ]

# --- n-d transforms
for _fn in ("fftn", "ifftn", "fft2", "ifft2"):
    SPECS += [
        _specs(_fn, _fn, (((3, 4),), ((2, 3, 2),)), ("fftn",)),
        _specs(f"{_fn}-real", _fn, (((3, 2),),), ("fftn",), complex_=False),
    ]
    for _norm in NORMS[1:]:
        SPECS.append(_specs(f"{_fn}-{_norm}-s", _fn, (((3, 4, 2),),), ("fftn",),
                            s=(2, 5), axes=(2, 0), norm=_norm))
SPECS += [
    _specs("fftn-repeated-axis", "fftn", (((4, 2),),), ("fftn",), s=(3, 5), axes=(0, 0)),
    _specs("ifftn-keep-length", "ifftn", (((3, 4),),), ("fftn",), s=(-1, 2), axes=(0, 1)),
    _specs("fftn-no-axes", "fftn", (((3,),),), (), axes=()),
]
for _fn in ("rfftn", "rfft2"):
    SPECS.append(_specs(_fn, _fn, (((3, 4),), ((2, 3, 3),)), ("rfft", "fftn"),
                        complex_=False))
    for _norm in NORMS[1:]:
        SPECS.append(_specs(f"{_fn}-{_norm}-s", _fn, (((3, 4, 2),),), ("rfft", "fftn"),
                            complex_=False, s=(5, 3), axes=(0, 1), norm=_norm))
for _fn in ("irfftn", "irfft2"):
    SPECS += [
        _specs(_fn, _fn, (((3, 3),), ((2, 2, 3),)), ("irfft", "fftn")),
        _specs(f"{_fn}-real", _fn, (((2, 3),),), ("irfft", "fftn"), complex_=False),
    ]
    for _norm in NORMS[1:]:
        SPECS.append(_specs(f"{_fn}-{_norm}-s", _fn, (((3, 4, 2),),), ("irfft", "fftn"),
                            s=(2, 5), axes=(2, 1), norm=_norm))

# --- shifts, and a nonlinear use through the chainrule.numpy namespace
for _fn in ("fftshift", "ifftshift"):
    SPECS += [
        _specs(_fn, _fn, (((5,),), ((4, 3),)), ()),
        _specs(f"{_fn}-axes", _fn, (((4, 3),),), (), complex_=False, axes=(1,)),
        _specs(f"{_fn}-axis", _fn, (((4, 3),),), (), complex_=False, axes=0),
    ]
SPECS += [
    Spec("fft-power-spectrum", lambda x: cnp.abs(cnp.fft.rfft(x, norm="ortho")) ** 2,
         lambda x: np.abs(np.fft.rfft(x, norm="ortho")) ** 2, (((6,),),), ("rfft",)),
    Spec("fft-roundtrip-filter", lambda x, w: cnp.fft.irfft(cnp.fft.rfft(x) * w, n=5),
         lambda x, w: np.fft.irfft(np.fft.rfft(x) * w, n=5), (((5,), (3,)),),
         ("rfft", "irfft")),
]
