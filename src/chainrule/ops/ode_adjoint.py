"""The ``odeint`` primitive: SciPy's LSODA solution of y' = f(y, t, *args), differentiable in
the initial state, the parameters ``args`` and the time points (the optional ``scipy`` extra).

Forward mode integrates the sensitivity (tangent) equation alongside the state:

    v' = J_y(y, t) v + J_p(y, t) dp,   v(t0) = dy0

Reverse mode integrates the adjoint equations backwards over each interval [t_j, t_{j+1}]
(Pontryagin; Chen, Rubanova, Bettencourt & Duvenaud 2018, "Neural ordinary differential
equations", appendix B), restarting the state from the forward solution at every t_j:

    y' = f,   a' = -J_y^T a,   p_bar' = -J_p^T a,   a jumps by ys_bar[j] at each t_j,

which gives y0_bar = a(t0) and p_bar(t0). The time points: ys[j] moves with t_j along
f(ys[j], t_j), and every ys[j] moves with t0 against the flow, so t_bar[j] = ys_bar[j] . f(ys[j],
t_j) for j > 0 and t_bar[0] = -(a(t0) - ys_bar[0]) . f(y0, t0).

The derivative systems are solved by this same primitive, with right-hand sides that call
``cr.jvp`` / ``cr.vjp`` of the user's function and receive every differentiable quantity as an
argument (never through a closure), so an outer transformation differentiates them again:
derivatives of any order work in both modes (each order doubles the state and nests one more
level of tracing in every evaluation of f, so they get expensive quickly).
SciPy is NumPy-only, so the implementation calls ``scipy.integrate.odeint`` directly.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.integrate as sint

from chainrule.jvp import jvp
from chainrule.ops.join import concatenate, stack
from chainrule.ops.reduce import sum as _sum
from chainrule.ops.shape import reshape
from chainrule.primitive import Primitive
from chainrule.tracer import Tracer, plain_array, primal
from chainrule.transforms import vjp


def as_vector(out: Any, n: int, where: str):
    """The right-hand side's value as a 1-D array of length n (lists of scalars stacked)."""
    if isinstance(out, list | tuple):
        out = stack([reshape(o, ()) if isinstance(o, Tracer) else np.asarray(o, float).reshape(())
                     for o in out])
    elif not isinstance(out, Tracer):
        out = np.asarray(out)
    if out.size != n:
        raise ValueError(f"odeint: {where} returned {out.size} values for a state of {n}; "
                         "func(y, t, *args) must return dy/dt with y's shape")
    return reshape(out, (n,)) if out.shape != (n,) else out


def untraced(out: Any) -> Any:
    """``out`` of the user's func on plain inputs, refused if traced (a captured variable)."""
    if isinstance(out, Tracer) or (isinstance(out, list | tuple) and any(
            isinstance(o, Tracer) for o in out)):
        raise TypeError(
            "odeint: func returned a traced value for plain inputs: it closes over a traced "
            "variable, whose derivative the solver cannot follow. Pass every differentiable "
            "parameter through args=(...) instead (func(y, t, *args)).")
    return out


def _floating(x: Any) -> bool:
    return plain_array(x).dtype.kind in "fc"


def _double(x: Any) -> Any:
    """float32 (complex64) arguments in double precision: LSODA computes in float64, and a
    right-hand side rounded to float32 would be too rough for its error control."""
    if isinstance(x, Tracer | np.ndarray) and x.dtype.kind in "fc" and x.dtype.itemsize < (
            8 if x.dtype.kind == "f" else 16):
        return x.astype(np.float64 if x.dtype.kind == "f" else np.complex128)
    return x


def _impl(y0, t, *args, func, options):
    def rhs(y, s, *a):
        return np.asarray(untraced(as_vector(func(y, s, *a), y.size, "func")), dtype=np.float64)

    what = getattr(func, "derivative_system", None)
    if what is None:  # the user's system: SciPy's behaviour, warnings included
        return sint.odeint(rhs, y0, t, args=args, **dict(options))
    with warnings.catch_warnings():  # a derivative system: failure is an error, never a warning
        warnings.simplefilter("ignore", sint.ODEintWarning)
        ys, info = sint.odeint(rhs, y0, t, args=args, full_output=True, **dict(options))
    if info["message"] != "Integration successful.":
        raise RuntimeError(
            f"odeint: LSODA failed on {what} ({info['message']}), so the derivative would be "
            "wrong. Loosen rtol/atol or raise mxstep (they apply to the derivative systems "
            "too), or check that the solution stays finite over t.")
    return ys


def _aux(options: tuple) -> tuple:
    """Solver options for the derivative systems: per-component tolerances become scalars."""
    return tuple((k, float(np.min(v)) if k in ("rtol", "atol") and np.ndim(v) else v)
                 for k, v in options)


def _with(args: tuple, which: list[int], values) -> list:
    full = list(args)
    for i, v in zip(which, values, strict=True):
        full[i] = v
    return full


# --- forward mode: the sensitivity equation ------------------------------------------------
def _tangent_system(func: Callable, n: int, k: int, which: int | None) -> Callable:
    """z = [y, v]: y' = f, v' = J_y v (+ J_p dp for argument ``which``, dp its tangent, the
    last of the arguments)."""

    def rhs(z, s, *rest):
        args, dp = (rest[:k], rest[k]) if which is not None else (rest, None)
        y, v = z[:n], z[n:]
        if which is None:
            fy, dv = jvp(lambda y_: as_vector(func(y_, s, *args), n, "func"), (y,), (v,))
        else:
            fy, dv = jvp(lambda y_, p_: as_vector(func(y_, s, *_with(args, [which], [p_])),
                                                  n, "func"), (y, args[which]), (v, dp))
        return concatenate([fy, dv])

    rhs.derivative_system = "the sensitivity (tangent) equations"
    return rhs


def _tangent(v0, y0, t, args, func, options, which=None, dp=None):
    n = y0.shape[0]
    extra = () if which is None else (dp,)
    z = _odeint(concatenate([y0, v0]), t, *args, *extra,
                func=_tangent_system(func, n, len(args), which), options=_aux(options))
    return z[:, n:]


def _flow(func, ys, t, args):
    """f(ys[j], t_j) for every j, as rows."""
    n = ys.shape[1]
    return stack([as_vector(func(ys[j], t[j], *args), n, "func") for j in range(ys.shape[0])])


def _jvp(i, dot, ans, y0, t, *args, func, options):
    args = tuple(_double(p) for p in args)
    y0, dot = _double(y0), _double(dot)
    if i == 0:
        return _tangent(dot, y0, t, args, func, options)
    if i == 1:  # the time points: along the flow at t_j, against it at t0 (see the docstring)
        f = _flow(func, ans, t, args)
        v = _tangent(-f[0] * dot[0], y0, t, args, func, options)
        return v + f * reshape(dot, (dot.shape[0], 1))
    zeros = np.zeros(y0.shape, dtype=np.result_type(primal(y0), np.float64))
    return _tangent(zeros, y0, t, args, func, options, which=i - 2, dp=dot)


# --- reverse mode: the adjoint equations ---------------------------------------------------
def _adjoint_system(func: Callable, n: int, which: list[int], sizes: list[int]) -> Callable:
    """s = [y, a, p_bar for each argument in ``which``] (integrated backwards in time)."""

    def rhs(s, tau, *args):
        y, a = s[:n], s[n:2 * n]

        def f(y_, *ps):
            return as_vector(func(y_, tau, *_with(args, which, ps)), n, "func")

        fy, pull = vjp(f, y, *(args[w] for w in which))
        cts = pull(a if a.dtype == fy.dtype else a.astype(fy.dtype))
        return concatenate([fy, -cts[0], *(-reshape(c, (m,)) for c, m in
                                          zip(cts[1:], sizes, strict=True))])

    rhs.derivative_system = "the adjoint equations"
    return rhs


# The last adjoint solve, keyed by the identity of its inputs (held, so ids cannot be reused):
# the engine calls one rule per argument with the same cotangent, and one backward solve
# gives every argument's cotangent.
_LAST: list = []


def _adjoint(g, ans, y0, t, args, func, options):
    key = (g, ans, y0, t, options, *args)
    if _LAST and _LAST[0][1] is func and len(_LAST[0][0]) == len(key) and all(
            x is y for x, y in zip(_LAST[0][0], key, strict=True)):
        return _LAST[0][2]
    n, steps = y0.shape[0], t.shape[0]
    args = tuple(_double(p) for p in args)
    which = [i for i, p in enumerate(args) if _floating(p)]
    sizes = [int(np.size(primal(args[i]))) for i in which]
    rhs = _adjoint_system(func, n, which, sizes)
    a = np.zeros(n)
    p_bars = [np.zeros(m) for m in sizes]
    for j in range(steps - 1, 0, -1):
        a = a + g[j]
        s = _odeint(concatenate([ans[j], a, *p_bars]), stack([t[j], t[j - 1]]), *args,
                    func=rhs, options=_aux(options))[-1]
        a = s[n:2 * n]
        p_bars, start = [], 2 * n
        for m in sizes:
            p_bars.append(s[start:start + m])
            start += m
    f = _flow(func, ans, t, args)
    t_bar = concatenate([reshape(-_sum(a * f[0]), (1,)), _sum(g[1:] * f[1:], axis=1)])
    p_bar = {w: reshape(pb, np.shape(primal(args[w]))) for w, pb in zip(which, p_bars,
                                                                            strict=True)}
    result = (a + g[0], t_bar, p_bar)
    _LAST[:] = [(key, func, result)]
    return result


def _vjp(i, g, ans, y0, t, *args, func, options):
    y0_bar, t_bar, p_bar = _adjoint(g, ans, y0, t, args, func, options)
    return y0_bar if i == 0 else t_bar if i == 1 else p_bar[i - 2]


_odeint = Primitive("odeint", _impl, register=True)
_odeint.defvjp_argnum(_vjp)
_odeint.defjvp_argnum(_jvp)


def odeint_traced(func, y0, t, args: tuple, options: tuple):
    """The traced solve: ``func(y, t, *args)`` normalised, ``y0`` 1-D, ``t`` 1-D."""
    return _odeint(y0, t, *args, func=func, options=options)
