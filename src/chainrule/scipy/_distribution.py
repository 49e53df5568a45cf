"""The shared face of chainrule's continuous ``scipy.stats`` distributions: SciPy's signatures
``logpdf(x, *shapes, loc=0, scale=1)`` (also ``pdf``, ``cdf``, ``logcdf``), its support and
parameter conventions, differentiable in ``x``, ``loc``, ``scale`` and the shape parameters.

Plain arguments run SciPy itself. With a traced argument the value is composed from chainrule's
special functions on the standardized ``z = (x - loc) / scale``, as SciPy computes it:
``logpdf = _logpdf(z) - log(scale)``, ``pdf = _pdf(z) / scale``, ``cdf = _cdf(z)``. Outside the
support the result is SciPy's constant (-inf, 0, 1) and invalid parameters give NaN; those
entries are first replaced by harmless values inside the formula (so that no NaN reaches a
derivative through a zero cotangent), then by the constant. SciPy computes in float64;
traced float32 arguments stay float32.
"""

from __future__ import annotations

import abc
import math
from typing import Any

import numpy as np

from chainrule import numpy as cnp
from chainrule.describe import describe
from chainrule.ops.special_common import real_only, refuse, traced
from chainrule.tracer import Tracer, primal


def plain_array(v: Any) -> Any:
    """Traced values and Python numbers as they are (a Python float keeps float32 float32);
    anything else as a floating NumPy array (SciPy's asarray)."""
    if isinstance(v, Tracer | float):
        return v
    if isinstance(v, int) and not isinstance(v, bool):
        return float(v)
    v = np.asarray(v)
    return v if v.dtype.kind in "fc" else v.astype(np.float64)


def refuse_traced(where: str, argument: str, value: Any, why: str) -> None:
    """Raise a TypeError naming ``argument`` if ``value`` is traced."""
    if isinstance(value, Tracer):
        raise TypeError(
            f"scipy.stats.{where}: no derivative with respect to {argument} (given a "
            f"{describe(value)}): {why}. Pass {argument} as a constant (e.g. "
            f"cr.stop_gradient({argument})) if you do not need its derivative."
        )


def in_dtype(value: Any, *args: Any) -> Any:
    """``value`` cast to the floating result type of ``args`` (Python numbers weak), so that a
    float64 constant met on the way (``np.log(1.0)``) never turns float32 into float64."""
    dtype = np.result_type(*(primal(a) for a in args if a is not None), 1.0)
    return value if value.dtype == dtype else value.astype(dtype)


def replace(value: Any, keep: np.ndarray, fill: Any) -> Any:
    """``where(keep, value, fill)``, skipped when every entry is kept (the common case; inside
    ``cr.jit`` the mask is staged and the selection always runs, with the same values)."""
    if not getattr(keep, "_jit_value", False) and np.all(keep):
        return value
    return cnp.where(keep, value, fill)


def _data(v: Any) -> Any:
    """The plain value of ``v`` as a NumPy array (staged inside ``cr.jit``: the program
    recomputes the masks made from it)."""
    p = primal(v)
    return p if getattr(p, "_jit_value", False) else np.asarray(p)


class Frozen:
    """A distribution with its parameters fixed, as SciPy's ``norm(loc, scale)``: each method
    takes the point only (``frozen.logpdf(x)``).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import stats
        >>> float(cr.grad(lambda mu: stats.norm(mu, 2.0).logpdf(3.0))(1.0))  # (x - mu) / s^2
        0.5
    """

    def __init__(self, dist: Any, methods: tuple[str, ...], args: tuple, kwds: dict) -> None:
        self._dist, self._methods, self._args, self._kwds = dist, methods, args, kwds

    def __repr__(self) -> str:
        return f"<frozen {self._dist!r}>"

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name not in self._methods:
            raise AttributeError(f"frozen {self._dist!r} has no method {name!r} (it has "
                                 f"{', '.join(self._methods)})")
        method = getattr(self._dist, name)
        return lambda x: method(x, *self._args, **self._kwds)


class LocScaleDistribution(abc.ABC):
    """A continuous location-scale family (subclasses give the standardized pieces)."""

    shapes: tuple[str, ...] = ()
    support: tuple[float, float] = (-math.inf, math.inf)
    interior: float = 0.0  # a point inside the standardized support

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<chainrule.scipy.stats.{self.name}>"

    def __call__(self, *args: Any, **kwds: Any) -> Frozen:
        """The distribution with its parameters fixed (SciPy's frozen distribution)."""
        return Frozen(self, ("logpdf", "pdf", "cdf", "logcdf"), args, kwds)

    # --- the standardized pieces (arguments may be traced) --------------------------------
    @abc.abstractmethod
    def _logpdf(self, z: Any, *shapes: Any) -> Any:
        """log f(z) of the standardized distribution."""

    def _pdf(self, z: Any, *shapes: Any) -> Any:
        return cnp.exp(self._logpdf(z, *shapes))

    @abc.abstractmethod
    def _cdf(self, z: Any, *shapes: Any) -> Any:
        """F(z) of the standardized distribution."""

    def _logcdf(self, z: Any, *shapes: Any) -> Any:
        return cnp.log(self._cdf(z, *shapes))

    def _valid(self, *shapes: np.ndarray) -> Any:
        return True

    # --- the public methods -------------------------------------------------------------
    def logpdf(self, x: Any, *args: Any, **kwds: Any) -> Any:
        """Log of the probability density at ``x`` (SciPy's signature).

        Example:
            >>> import chainrule as cr
            >>> from chainrule.scipy import stats
            >>> float(cr.grad(stats.norm.logpdf)(1.0))  # -(x - loc) / scale^2
            -1.0
        """
        return self._method("logpdf", x, args, kwds)

    def pdf(self, x: Any, *args: Any, **kwds: Any) -> Any:
        """The probability density at ``x`` (SciPy's signature).

        Example:
            >>> import chainrule as cr
            >>> from chainrule.scipy import stats
            >>> round(float(cr.grad(stats.norm.pdf)(1.0)), 6)  # -x phi(x)
            -0.241971
        """
        return self._method("pdf", x, args, kwds)

    def cdf(self, x: Any, *args: Any, **kwds: Any) -> Any:
        """The cumulative distribution function at ``x`` (SciPy's signature).

        Example:
            >>> import chainrule as cr
            >>> from chainrule.scipy import stats
            >>> round(float(cr.grad(stats.norm.cdf)(0.0)), 6)  # the density
            0.398942
        """
        return self._method("cdf", x, args, kwds)

    def logcdf(self, x: Any, *args: Any, **kwds: Any) -> Any:
        """Log of the cumulative distribution function at ``x`` (SciPy's signature).

        Example:
            >>> import chainrule as cr
            >>> from chainrule.scipy import stats
            >>> round(float(cr.grad(stats.norm.logcdf)(0.0)), 6)  # pdf / cdf = 2 phi(0)
            0.797885
        """
        return self._method("logcdf", x, args, kwds)

    # --- machinery ----------------------------------------------------------------------
    def _parse(self, args: tuple, kwds: dict) -> tuple[tuple, Any, Any]:
        names = (*self.shapes, "loc", "scale")
        if len(args) > len(names):
            raise TypeError(f"scipy.stats.{self.name}: at most {len(names)} parameters after "
                            f"x ({', '.join(names)}), got {len(args)}")
        values = dict(zip(names, args, strict=False))
        for key, v in kwds.items():
            if key not in names:
                raise TypeError(f"scipy.stats.{self.name}: unexpected keyword argument {key!r} "
                                f"(parameters: {', '.join(names)})")
            if key in values:
                raise TypeError(f"scipy.stats.{self.name}: {key} given twice")
            values[key] = v
        missing = [n for n in self.shapes if n not in values]
        if missing:
            raise TypeError(f"scipy.stats.{self.name}: missing shape parameter(s) {missing}")
        shapes = tuple(plain_array(values[n]) for n in self.shapes)
        return shapes, plain_array(values.get("loc", 0.0)), plain_array(values.get("scale", 1.0))

    def _method(self, method: str, x: Any, args: tuple, kwds: dict) -> Any:
        shapes, loc, scale = self._parse(args, kwds)
        refuse(f"scipy.stats.{self.name}.{method}", x, loc, scale, *shapes)
        if not traced(x, loc, scale, *shapes):
            import scipy.stats

            return getattr(getattr(scipy.stats, self.name), method)(x, *args, **kwds)
        real_only(f"scipy.stats.{self.name}.{method}", x, loc, scale, *shapes)
        z = (plain_array(x) - loc) / scale
        zp = _data(z)
        valid = _data(self._valid(*(primal(s) for s in shapes)) & (primal(scale) > 0))
        lo, hi = self.support
        if method in ("logpdf", "pdf"):
            inside = (lo <= zp) & (zp <= hi)  # SciPy's closed support for densities
            outside = -np.inf if method == "logpdf" else 0.0
        else:
            inside = (lo < zp) & (zp < hi)
            above = zp >= hi
            outside = np.where(above, 0.0, -np.inf) if method == "logcdf" else above * 1.0
        safe_z = replace(z, inside & valid, self.interior)
        safe_shapes = tuple(replace(s, valid, 1.0) for s in shapes)
        safe_scale = replace(scale, valid, 1.0)
        if method == "logpdf":
            value = self._logpdf(safe_z, *safe_shapes) - cnp.log(safe_scale)
        elif method == "pdf":
            value = self._pdf(safe_z, *safe_shapes) / safe_scale
        else:
            value = getattr(self, "_" + method)(safe_z, *safe_shapes)
        value = replace(value, inside, outside.astype(zp.dtype) if getattr(
            outside, "_jit_value", False) else np.asarray(outside, dtype=zp.dtype))
        return in_dtype(replace(value, valid & ~np.isnan(zp), np.nan), x, loc, scale, *shapes)
