"""Derivatives of the regularized incomplete gamma and beta functions in their shapes, in plain
NumPy (float64): the numbers behind the derivative rules of ``ops/special_incomplete.py``.

They have no closed form; each is summed from a convergent expansion, chosen by region as the
standard evaluations of the functions themselves are (Numerical Recipes 6.2 and 6.4; DLMF 8.7.1,
8.9.2, 8.17.22), and differentiated term by term:

* P(a, x) for x < a + 1: the series P = x^a e^-x / Gamma(a+1) S,  S = sum_n c_n,
  c_n = x^n / ((a+1) ... (a+n))  (DLMF 8.7.1). With H_n = sum_{k<=n} 1/(a+k) and
  H2_n = sum_{k<=n} 1/(a+k)^2:  dc_n/da = -c_n H_n,  d2c_n/da2 = c_n (H_n^2 + H2_n), all terms
  of one sign (no cancellation), so
  d log P/da = log x - psi(a+1) - S'/S,   d2 log P/da2 = -psi1(a+1) + S''/S - (S'/S)^2.
* Q(a, x) = 1 - P for x >= a + 1: Legendre's continued fraction (DLMF 8.9.2)
  Gamma(a, x) = e^-x x^a K,  K = 1/(x+1-a- 1(1-a)/(x+3-a- 2(2-a)/(x+5-a- ...))),
  differentiated through the three-term recurrences of its convergents, as Moore (1982,
  Algorithm AS 187, "Derivatives of the incomplete gamma integral") does.
* I_x(a, b) for x < (a+1)/(a+b+2): the continued fraction (DLMF 8.17.22)
  I = x^a (1-x)^b / (a B(a, b)) K,  K = 1/(1+ d1/(1+ d2/(1+ ...))),
  d_{2m+1} = -(a+m)(a+b+m) x / ((a+2m)(a+2m+1)),  d_{2m} = m(b-m) x / ((a+2m-1)(a+2m)),
  differentiated through its recurrences in a and b at once (first and second order, mixed
  included), the method of Boik & Robison-Cox (1998, "Derivatives of the incomplete beta
  function", J. Statistical Software 3(1)); elsewhere I_x(a, b) = 1 - I_{1-x}(b, a).

The digamma and trigamma differences psi(a+b) - psi(a) in these formulas come from their
asymptotic series where a is large (``psi_shift``), not from a difference of two close numbers.
Derivatives are carried as second-order jets in (a, b): value, gradient and Hessian. The
recurrences are rescaled every step (a common factor of A_n and B_n cancels in A_n / B_n, also
in its derivatives). Loops run over terms, on the whole array at once, on the entries not yet
converged; an entry still moving after ``MAX_TERMS`` terms raises an error rather than return
an inaccurate number.
"""

from __future__ import annotations

import numpy as np
import scipy.special as sc

EPS = 1e-13  # relative change of every component that counts as converged
EPS_LOG = 1e-12  # ... and of a log-derivative (a derivative over the value)
FLOOR = 1e-15  # ... or its absolute change
SERIES_EPS = 1e-17  # relative size of a series' last term
MAX_TERMS = 100_000


class NotConvergedError(ArithmeticError):
    """An expansion that did not converge within ``MAX_TERMS`` terms."""


def _not_converged(what: str, n: int, *params: np.ndarray) -> NotConvergedError:
    shown = ", ".join(f"{np.asarray(p).ravel()[:3]}" for p in params)
    return NotConvergedError(
        f"{what}: the expansion for the derivative in the shape did not converge in {n} terms "
        f"(parameters {shown}...); these shapes are too large for chainrule's evaluation."
    )


class Jet:
    """A value with its gradient and Hessian in two variables (a, b): v, da, db, daa, dab, dbb."""

    __slots__ = ("c",)

    def __init__(self, *c: np.ndarray) -> None:
        self.c = c

    @staticmethod
    def const(v):
        z = np.zeros_like(v)
        return Jet(v, z, z, z, z, z)

    def __add__(self, o: Jet) -> Jet:
        return Jet(*(p + q for p, q in zip(self.c, o.c, strict=True)))

    def __sub__(self, o: Jet) -> Jet:
        return Jet(*(p - q for p, q in zip(self.c, o.c, strict=True)))

    def __mul__(self, o: Jet) -> Jet:
        f, fa, fb, faa, fab, fbb = self.c
        g, ga, gb, gaa, gab, gbb = o.c
        return Jet(f * g, fa * g + f * ga, fb * g + f * gb,
                   faa * g + 2 * fa * ga + f * gaa,
                   fab * g + fa * gb + fb * ga + f * gab,
                   fbb * g + 2 * fb * gb + f * gbb)

    def scale(self, s: np.ndarray) -> Jet:
        """Every component times a plain number (a constant)."""
        return Jet(*(p * s for p in self.c))

    def inverse(self) -> Jet:
        g, ga, gb, gaa, gab, gbb = self.c
        r = 1.0 / g
        r2 = r * r
        return Jet(r, -ga * r2, -gb * r2, (2 * ga * ga * r - gaa) * r2,
                   (2 * ga * gb * r - gab) * r2, (2 * gb * gb * r - gbb) * r2)

    def __truediv__(self, o: Jet) -> Jet:
        return self * o.inverse()

    def take(self, keep: np.ndarray) -> Jet:
        return Jet(*(p[keep] for p in self.c))


def _continued_fraction(coefficients, n_entries: int, what: str, *params):
    """The jet of K = 1/(beta_1 + alpha_2/(beta_2 + ...)), ``coefficients(k, idx)`` giving the
    jets (alpha_k, beta_k) for k >= 2 on the entries ``idx`` (alpha_1 = 1)."""
    out = [np.empty(n_entries) for _ in range(6)]
    idx = np.arange(n_entries)
    _, beta1 = coefficients(1, idx)
    one = np.ones(n_entries)
    a_prev, a_cur = Jet.const(one), Jet.const(np.zeros(n_entries))  # A_{-1}, A_0 ... shifted
    b_prev, b_cur = Jet.const(np.zeros(n_entries)), Jet.const(one)
    a_prev, a_cur = a_cur, a_cur * beta1 + a_prev
    b_prev, b_cur = b_cur, b_cur * beta1 + b_prev
    f = a_cur / b_cur
    moved_before = np.ones(n_entries, dtype=bool)
    for k in range(2, MAX_TERMS):
        alpha, beta = coefficients(k, idx)
        a_prev, a_cur = a_cur, a_cur * beta + a_prev * alpha
        b_prev, b_cur = b_cur, b_cur * beta + b_prev * alpha
        s = 1.0 / b_cur.c[0]
        a_prev, a_cur, b_prev, b_cur = (a_prev.scale(s), a_cur.scale(s), b_prev.scale(s),
                                        b_cur.scale(s))
        new = a_cur / b_cur
        # Converged: the value to EPS relative, its log-derivatives c / f to EPS_LOG relative or
        # FLOOR absolute (rounding noise of the derivative recurrences sits near 1e-16 there),
        # over two steps in a row (an even step of the beta fraction can barely move).
        moved = np.abs(new.c[0] - f.c[0]) > EPS * np.abs(new.c[0])
        for p, q in zip(new.c[1:], f.c[1:], strict=True):
            gp, gq = p / new.c[0], q / f.c[0]
            moved |= np.abs(gp - gq) > EPS_LOG * np.abs(gp) + FLOOR
        f = new
        done = ~moved & ~moved_before
        moved_before = moved
        if done.any():
            for comp, part in zip(out, f.c, strict=True):
                comp[idx[done]] = part[done]
            if done.all():
                return Jet(*out)
            keep = ~done
            idx, moved_before = idx[keep], moved_before[keep]
            f, a_prev, a_cur, b_prev, b_cur = (j.take(keep) for j in
                                              (f, a_prev, a_cur, b_prev, b_cur))
    raise _not_converged(what, MAX_TERMS, *(p[idx] for p in params))


# --- incomplete gamma --------------------------------------------------------------------------
def _gamma_series(a: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """d log P / da and d2 log P / da2 from the series (x < a + 1, x > 0)."""
    c, h, h2 = np.ones_like(a), np.zeros_like(a), np.zeros_like(a)
    s, s1, s2 = np.ones_like(a), np.zeros_like(a), np.zeros_like(a)
    out1, out2 = np.empty_like(a), np.empty_like(a)
    idx = np.arange(a.size)
    for n in range(1, MAX_TERMS):
        r = 1.0 / (a + n)
        h = h + r
        h2 = h2 + r * r
        c = c * x * r
        t1, t2 = c * h, c * (h * h + h2)
        s, s1, s2 = s + c, s1 + t1, s2 + t2
        done = (c <= SERIES_EPS * s) & (t1 <= SERIES_EPS * s1) & (t2 <= SERIES_EPS * s2)
        if done.any():
            q1 = s1[done] / s[done]
            out1[idx[done]] = np.log(x[done]) - sc.psi(a[done] + 1) - q1
            out2[idx[done]] = -sc.polygamma(1, a[done] + 1) + s2[done] / s[done] - q1 * q1
            if done.all():
                return out1, out2
            keep = ~done
            idx = idx[keep]
            a, x, c, h, h2, s, s1, s2 = (v[keep] for v in (a, x, c, h, h2, s, s1, s2))
    raise _not_converged("gammainc", MAX_TERMS, a, x)


def _gamma_fraction(a: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """d log Q / da and d2 log Q / da2 from Legendre's continued fraction (x >= a + 1)."""
    zero = np.zeros_like(a)

    def coefficients(k, idx):
        n = k - 1  # beta = x + 2n + 1 - a, alpha = -n (n - a)
        beta = Jet(x[idx] + 2 * n + 1 - a[idx], zero[idx] - 1.0, *(zero[idx],) * 4)
        alpha = Jet(-n * (n - a[idx]), zero[idx] + n, *(zero[idx],) * 4)
        return alpha, beta

    k = _continued_fraction(coefficients, a.size, "gammaincc", a, x)
    f, fa, _, faa, _, _ = k.c
    q1 = fa / f
    return np.log(x) + q1 - sc.psi(a), faa / f - q1 * q1 - sc.polygamma(1, a)


def gammainc_shape_derivatives(a, x) -> tuple[np.ndarray, np.ndarray]:
    """dP/da and d2P/da2 of P(a, x) = ``scipy.special.gammainc(a, x)`` (float64; NaN outside
    a > 0, x >= 0; zero at x = 0 and x = inf). dQ/da = -dP/da for Q = gammaincc.

    Example:
        >>> import numpy as np, scipy.special as sc
        >>> d1, d2 = gammainc_shape_derivatives(1.0, 1.0)  # -(E1(1) + Euler's gamma / e)
        >>> round(float(d1 + sc.exp1(1.0) + np.euler_gamma / np.e), 14)
        0.0
    """
    a, x = np.broadcast_arrays(np.asarray(a, dtype=np.float64), np.asarray(x, dtype=np.float64))
    d1, d2 = np.full(a.shape, np.nan), np.full(a.shape, np.nan)
    valid = (a > 0) & (x >= 0) & np.isfinite(a)
    edge = valid & ((x == 0) | np.isinf(x))
    d1[edge] = d2[edge] = 0.0
    series = valid & ~edge & (x < a + 1)
    fraction = valid & ~edge & (x >= a + 1)
    if series.any():
        aa, xx = a[series], x[series]
        g1, g2 = _gamma_series(aa, xx)
        p = sc.gammainc(aa, xx)
        d1[series], d2[series] = p * g1, p * (g1 * g1 + g2)
    if fraction.any():
        aa, xx = a[fraction], x[fraction]
        g1, g2 = _gamma_fraction(aa, xx)
        q = sc.gammaincc(aa, xx)
        d1[fraction], d2[fraction] = -q * g1, -q * (g1 * g1 + g2)
    return d1, d2


# --- differences of digamma and trigamma -------------------------------------------------------
# psi(z + s) - psi(z) and psi1(z + s) - psi1(z) for large z lose the digits their difference
# (about s / z) has in common; from z >= 10 they are taken term by term from the asymptotic
# series (DLMF 5.11.2 and its derivative) psi(z) ~ log z - 1/(2z) - sum_k B_2k / (2k z^2k),
# psi1(z) ~ 1/z + 1/(2z^2) + sum_k B_2k / z^(2k+1), each term's difference through
# (z + s)^-m - z^-m = z^-m expm1(-m log1p(s/z)).
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6)


def psi_shift(z, s):
    """psi(z + s) - psi(z) (z > 0, s >= 0), accurate where s << z.

    Example:
        >>> float(psi_shift(1e8, 0.5) * 2e8)  # about 1/(2z) * 2z
        1.0000000025
    """
    z, s = np.broadcast_arrays(np.asarray(z, dtype=np.float64), np.asarray(s, dtype=np.float64))
    out = np.array(sc.psi(z + s) - sc.psi(z))
    big = z >= 10
    if big.any():
        zb, r = z[big], np.log1p(s[big] / z[big])
        d = r + 0.5 * s[big] / (zb * (zb + s[big]))
        for k, b2k in enumerate(_BERNOULLI, start=1):
            d -= b2k / (2 * k) * zb ** (-2 * k) * np.expm1(-2 * k * r)
        out[big] = d
    return out


def psi1_shift(z, s):
    """psi1(z + s) - psi1(z) (z > 0, s >= 0), accurate where s << z.

    Example:
        >>> float(psi1_shift(1e8, 0.5) * 2e16)  # about -s / z^2 * 2 z^2
        -1.000000005
    """
    z, s = np.broadcast_arrays(np.asarray(z, dtype=np.float64), np.asarray(s, dtype=np.float64))
    out = np.array(sc.polygamma(1, z + s) - sc.polygamma(1, z))
    big = z >= 10
    if big.any():
        zb, r = z[big], np.log1p(s[big] / z[big])
        d = -s[big] / (zb * (zb + s[big])) + 0.5 * zb ** -2.0 * np.expm1(-2 * r)
        for k, b2k in enumerate(_BERNOULLI, start=1):
            d += b2k * zb ** (-2.0 * k - 1) * np.expm1(-(2 * k + 1) * r)
        out[big] = d
    return out


# --- incomplete beta ---------------------------------------------------------------------------
def _beta_fraction(a: np.ndarray, b: np.ndarray, x: np.ndarray) -> Jet:
    """The jet in (a, b) of log I_x(a, b) from the continued fraction (x < (a+1)/(a+b+2))."""
    zero, one = np.zeros_like(a), np.ones_like(a)
    ja = Jet(a, one, zero, zero, zero, zero)
    jb = Jet(b, zero, one, zero, zero, zero)

    def coefficients(k, idx):
        a_, b_, x_ = ja.take(idx), jb.take(idx), x[idx]
        c = lambda v: Jet.const(np.full(len(idx), float(v)))  # noqa: E731
        n = k - 1  # d_n
        if n == 0:
            return None, c(1.0)
        m = n // 2
        if n == 1:  # d_1 = -(a+b) x / (a+1), the factor a cancelled (a jet of a/a is noisy)
            d = (a_ + b_).scale(-x_) / (a_ + c(1))
        elif n % 2:  # d_{2m+1} = -(a+m)(a+b+m) x / ((a+2m)(a+2m+1))
            d = ((a_ + c(m)) * (a_ + b_ + c(m))).scale(-x_) / (
                (a_ + c(2 * m)) * (a_ + c(2 * m + 1)))
        else:  # d_{2m} = m(b-m) x / ((a+2m-1)(a+2m))
            d = (b_ - c(m)).scale(m * x_) / ((a_ + c(2 * m - 1)) * (a_ + c(2 * m)))
        return d, c(1.0)

    k = _continued_fraction(coefficients, a.size, "betainc", a, b, x)
    f, fa, fb, faa, fab, fbb = k.c
    ga, gb = fa / f, fb / f
    pab = sc.polygamma(1, a + b)
    lx, l1x = np.log(x), np.log1p(-x)
    # d/da of -log a - betaln(a, b) and its second derivative: for a < 1 as
    # psi(a+b) - psi(a+1) and psi1(a+b) - psi1(a+1) (psi(a) = psi(a+1) - 1/a: no 1/a to cancel)
    small = a < 1
    la = np.where(small, sc.psi(a + b) - sc.psi(a + 1), psi_shift(a, b) - 1 / a)
    laa = np.where(small, sc.polygamma(1, a + b) - sc.polygamma(1, a + 1),
                   1 / (a * a) + psi1_shift(a, b))
    # log I = a log x + b log(1-x) - log a - betaln(a, b) + log K
    return Jet(sc.betainc(a, b, x),
               lx + la + ga,
               l1x + psi_shift(b, a) + gb,
               laa + faa / f - ga * ga,
               pab + fab / f - ga * gb,
               psi1_shift(b, a) + fbb / f - gb * gb)


def betainc_shape_derivatives(a, b, x) -> dict[tuple[int, int], np.ndarray]:
    """The derivatives d^(i+j) I / da^i db^j of I_x(a, b) = ``scipy.special.betainc(a, b, x)``
    for 1 <= i + j <= 2, keyed by (i, j) (float64; NaN outside a, b > 0, 0 <= x <= 1; zero at
    x = 0 and x = 1).

    Example:
        >>> d = betainc_shape_derivatives(1.0, 1.0, 0.5)  # I_x(a, 1) = x^a: d/da = x^a log x
        >>> round(float(d[1, 0]), 12)
        -0.34657359028
    """
    a, b, x = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (a, b, x)))
    keys = ((1, 0), (0, 1), (2, 0), (1, 1), (0, 2))
    out = {k: np.full(a.shape, np.nan) for k in keys}
    valid = (a > 0) & (b > 0) & np.isfinite(a) & np.isfinite(b) & (x >= 0) & (x <= 1)
    edge = valid & ((x == 0) | (x == 1))
    for k in keys:
        out[k][edge] = 0.0
    direct = valid & ~edge & (x < (a + 1) / (a + b + 2))
    swapped = valid & ~edge & ~direct
    for where, sign, (p, q, y) in ((direct, 1.0, (a, b, x)), (swapped, -1.0, (b, a, 1 - x))):
        if not where.any():
            continue
        # on the swapped side I_x(a, b) = 1 - I_{1-x}(b, a): its (a, b) are J's (q, p)
        lj = _beta_fraction(p[where], q[where], y[where])
        value, la, lb, laa, lab, lbb = lj.c
        dj = {(1, 0): value * la, (0, 1): value * lb, (2, 0): value * (la * la + laa),
              (1, 1): value * (la * lb + lab), (0, 2): value * (lb * lb + lbb)}
        for (i, j), v in dj.items():
            out[(i, j) if sign > 0 else (j, i)][where] = sign * v
    return out
