#!/usr/bin/env python3
"""Reference values for tests/experiment_methods_test.cpp, computed
independently of experiment/*.cpp:

  - the incomplete beta, Student t tails: scipy.special.betainc, scipy.stats.t
    (scipy.stats.norm for an infinite df);
  - the t quantile: scipy.stats.t.ppf, polished by Newton steps on
    scipy.stats.t.cdf / sf / pdf (scipy 1.10's ppf, cdflib's stdtrit, is only
    good to about 1e-9 relative: too coarse for a 1e-9 check by itself);
  - Welch: the means, variances and the effect (sample.hpp) exactly, in
    rationals, from the printed sums; t and p checked against
    scipy.stats.ttest_ind_from_stats(equal_var=False); the intervals with
    the quantile above;
  - sequential: the formula of sequential.hpp in floats, the always-valid
    p-value by scipy.optimize.brentq on ln(alpha);
  - CUPED: unit-level numpy data (fixed seed); theta, adjusted moments and the
    variance reduction from the units, not from the sums' formula;
  - Bayesian: the formula of bayesian.hpp with scipy.stats.norm.

Prints one case a line, floats as repr (round-trips exactly; also nan, inf):
  beta <x> <a> <b> <I_x(a,b)>
  t <t> <df> <cdf> <sf>
  tq <p> <df> <quantile>
  moments <n> <sum> <sum_sq> <x_sum> <x_sum_sq> <xy_sum> <mean> <var> <x_mean> <x_var> <cov>
  welch <6 sums of c> <6 sums of t> <confidence> <effect> <t> <df> <p> <ci_low> <ci_high>
        <rel_ci_low> <rel_ci_high>
  seqhw <s2> <n> <alpha> <tuning> <halfwidth>
  seqp <diff> <diff_var> <n> <tuning> <p>
  seq <effect> <confidence> <tuning> <ci_low> <ci_high> <rel_ci_low> <rel_ci_high> <p>
  cuped <6 sums of c> <6 sums of t> <theta> <adjusted effect> <variance_reduction>
  bayes <effect> <prior_sd> <credibility> <chance_to_win> <risk> <risk_baseline>
        <ci_low> <ci_high> <mean> <sd>
where <effect> is the 8 fields of sample.hpp's effect in order: baseline_mean
mean diff diff_var rel rel_var df n.
"""

import math
import sys
from fractions import Fraction

try:
    import numpy as np
    from scipy import optimize, special, stats
except ImportError:
    sys.stderr.write(
        f"experiment_methods_reference.py: {sys.executable} cannot import scipy/numpy: "
        "install python3-scipy (scripts/setup does)\n")
    sys.exit(3)


def r(value):
    return repr(float(value))


def check(condition, what):
    """A self-check of the reference itself: a failure is a bug here."""
    if not condition:
        sys.stderr.write(f"experiment_methods_reference.py: self-check failed: {what}\n")
        sys.exit(4)


def close(a, b, rel):
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)


# --- incomplete beta, Student t --------------------------------------------

BETA = [  # (x, a, b): the edges, symmetric, skewed, tiny results, large a or b
    (0.0, 2.0, 3.0), (1.0, 2.0, 3.0), (0.5, 0.5, 0.5), (0.1, 0.5, 0.5), (0.999, 0.5, 0.5),
    (0.3, 2.0, 5.0), (0.7, 2.0, 5.0), (0.2, 10.0, 10.0), (0.5, 10.0, 10.0), (0.8, 10.0, 10.0),
    (0.01, 0.1, 20.0), (0.9, 50.0, 0.5), (0.999, 200.0, 1.5), (0.5, 100.0, 120.0),
    (0.45, 1000.0, 1200.0), (1e-5, 5.0, 3.0), (0.001, 20.0, 2.0), (0.999, 2.0, 20.0),
    (0.999, 5e5, 0.5), (0.99999, 5e5, 0.5), (0.001, 1.5, 1000.0), (0.25, 1e-3, 1e-3),
    (0.6, 3.7, 0.25), (0.05, 7.5, 0.5), (0.9999999, 0.5, 3.0),
]

DF = [0.5, 1.0, 1.5, 2.0, 2.7, 3.0, 4.4, 5.0, 10.0, 29.3, 100.0, 1000.5, 1e4, 1e5, 1e6,
      math.inf]
T = [-1e6, -1000.0, -50.0, -12.0, -5.0, -2.5, -1.0, -0.3, 0.0, 0.1, 1.0, 1.96, 4.0, 8.0,
     15.0, 30.0, 200.0, 1e5]
P = [1e-10, 1e-6, 0.001, 0.025, 0.05, 0.3, 0.5, 0.6, 0.9, 0.975, 0.995, 0.999, 1 - 1e-6,
     1 - 1e-10]


def t_cdf_sf(t, df):
    if math.isinf(df):
        return stats.norm.cdf(t), stats.norm.sf(t)
    return stats.t.cdf(t, df), stats.t.sf(t, df)


def t_quantile(p, df):
    """The t with P(T <= t) = p: scipy's ppf, then Newton on the tail that p
    is in (1 - p is exact for p >= 0.5), so the tails keep their digits."""
    if p == 0.5:
        return 0.0  # the median of a symmetric distribution
    if math.isinf(df):
        return stats.norm.ppf(p) if p < 0.5 else -stats.norm.ppf(1 - p)
    q = stats.t.ppf(p, df)
    for _ in range(20):
        if p < 0.5:
            f = stats.t.cdf(q, df) - p
        else:
            f = (1 - p) - stats.t.sf(q, df)
        step = f / stats.t.pdf(q, df)
        if not math.isfinite(step) or abs(step) <= 1e-17 * abs(q):
            break
        q -= step
    return q


# --- samples, effects, Welch ------------------------------------------------

def sums(y, x=None):
    """The six sums of sample.hpp over unit-level data (math.fsum: each sum
    correctly rounded)."""
    y = [float(v) for v in y]
    x = [0.0] * len(y) if x is None else [float(v) for v in x]
    return (float(len(y)), math.fsum(y), math.fsum(v * v for v in y), math.fsum(x),
            math.fsum(v * v for v in x), math.fsum(a * b for a, b in zip(x, y)))


def binary(n, conversions):
    return (float(n), float(conversions), float(conversions), 0.0, 0.0, 0.0)


def exact_moments(s):
    """mean, var, x_mean, x_var, cov of the printed sums, as exact rationals."""
    n, sy, syy, sx, sxx, sxy = map(Fraction, s)
    return (sy / n, (syy - sy * sy / n) / (n - 1), sx / n, (sxx - sx * sx / n) / (n - 1),
            (sxy - sx * sy / n) / (n - 1))


def exact_effect(c, t):
    """sample.hpp's effect (theta = 0) of the printed sums, in exact rationals,
    rounded once: (baseline_mean, mean, diff, diff_var, rel, rel_var, df, n)."""
    mc, varc = exact_moments(c)[:2]
    mt, vart = exact_moments(t)[:2]
    nc, nt = Fraction(c[0]), Fraction(t[0])
    vc, vt = varc / nc, vart / nt
    dv = vc + vt
    rel = rel_var = math.nan
    if mc != 0:
        rel = float(mt / mc - 1)
        rel_var = float(vt / mc**2 + mt**2 * vc / mc**4)
    df = float(dv**2 / (vt**2 / (nt - 1) + vc**2 / (nc - 1))) if dv != 0 else math.nan
    return (float(mc), float(mt), float(mt - mc), float(dv), rel, rel_var, df, float(nc + nt))


def moments_line(s, y, x):
    """The sample's moments from the units (numpy, ddof 1)."""
    y, x = np.asarray(y, dtype=float), np.asarray(x, dtype=float)
    m = (np.mean(y), np.var(y, ddof=1), np.mean(x), np.var(x, ddof=1), np.cov(x, y)[0, 1])
    for unit, exact in zip(m, exact_moments(s)):
        check(abs(unit - float(exact)) <= 1e-11 * max(abs(float(exact)), 1e-300),
              f"unit-level moment {unit} vs sums {float(exact)}")
    return "moments " + " ".join(map(r, s + m))


RNG = np.random.default_rng(20240611)


def revenue(n, buy_rate, log_mean, log_sd):
    """Revenue per customer: 0 unless they bought, then lognormal."""
    bought = RNG.random(n) < buy_rate
    return np.where(bought, RNG.lognormal(log_mean, log_sd, n), 0.0)


def welch_cases():
    """(c sums, t sums, confidence, c units, t units) for the Welch, sequential
    and Bayesian cases: conversions (sum == sum_sq), then revenue-like data."""
    cases = [(binary(*c), binary(*t), conf, None, None) for c, t, conf in [
        ((1000, 50), (1000, 62), 0.95),
        ((20, 1), (25, 5), 0.95),                # small arms, fractional df
        ((250000, 12500), (250000, 12900), 0.95),  # large arms, small lift
        ((10000, 1000), (10000, 1375), 0.99),    # t around 8
        ((10000, 1000), (10000, 630), 0.95),     # treatment worse, t around -9.5
        ((500, 40), (480, 40), 0.90),
        ((3, 1), (2, 1), 0.95),                  # the smallest arms, df about 2
        ((100, 0), (100, 3), 0.95),              # baseline never converts: rel NaN
        ((4567, 123), (4321, 150), 0.80),
        ((10000, 5000), (10000, 4800), 0.95),
        ((2000, 100), (2000, 100), 0.95),        # no difference
    ]]
    for n_c, n_t, buy, mu, sd, lift, conf in [
        (2000, 2100, 0.10, 3.5, 1.0, 1.1, 0.95),
        (60, 45, 0.3, 3.0, 1.5, 1.0, 0.95),      # small, heavy-tailed
        (100000, 100000, 0.05, 4.0, 1.2, 1.03, 0.95),
        (800, 900, 1.0, 2.0, 0.5, 0.97, 0.90),   # everyone buys
    ]:
        yc = revenue(n_c, buy, mu, sd)
        yt = revenue(n_t, buy, mu, sd) * lift
        cases.append((sums(yc), sums(yt), conf, yc, yt))
    # A large mean and a small spread (mean^2 / var about 1e4): the sums
    # formula loses about 4 digits, still far from 1e-9.
    yc, yt = RNG.normal(1000, 10, 3000), RNG.normal(1000.5, 10, 3000)
    cases.append((sums(yc), sums(yt), 0.95, yc, yt))
    return cases


def welch_line(c, t, conf, e):
    mc, mt, diff, dv, rel, rel_var, df, _ = e
    stdc, stdt = math.sqrt(float(exact_moments(c)[1])), math.sqrt(float(exact_moments(t)[1]))
    tt, p = stats.ttest_ind_from_stats(mt, stdt, t[0], mc, stdc, c[0], equal_var=False)
    # welch_test reads the effect, whose diff is exact here; scipy subtracts
    # rounded means (a large mean next to a small difference loses digits),
    # so it is a cross-check to 1e-11, and the printed t and p are the
    # effect's: diff / sqrt(diff_var) and 2 * scipy.stats.t.sf(|t|, df).
    t_own = diff / math.sqrt(dv)
    p_own = 2 * stats.t.sf(abs(t_own), df)
    check(close(tt, t_own, 1e-11) or abs(tt - t_own) < 1e-14, f"ttest t {tt} vs {t_own}")
    check(close(p, p_own, 1e-11), f"ttest p {p} vs {p_own}")
    q = t_quantile(1 - (1 - conf) / 2, df)
    half, rel_half = q * math.sqrt(dv), q * math.sqrt(rel_var)
    return (f"welch {' '.join(map(r, c + t))} {r(conf)} {' '.join(map(r, e))} {r(t_own)} {r(df)} "
            f"{r(p_own)} {r(diff - half)} {r(diff + half)} {r(rel - rel_half)} {r(rel + rel_half)}")


# --- sequential --------------------------------------------------------------

def halfwidth(s2, n, alpha, tuning):
    """sequential.hpp's comment, term by term."""
    l = -2 * math.log(alpha)
    rho = math.sqrt((l + math.log(l + 1)) / tuning)
    nr2 = n * rho * rho
    return math.sqrt(s2) * math.sqrt(2 * (nr2 + 1) / (n * n * rho * rho) *
                                     math.log(math.sqrt(nr2 + 1) / alpha))


LN_ALPHA = np.linspace(math.log(1e-300), math.log(1 - 1e-9), 4001)


def check_monotone(s2, n, tuning):
    h = [halfwidth(s2, n, math.exp(la), tuning) for la in LN_ALPHA]
    check(all(a > b for a, b in zip(h, h[1:])), f"halfwidth not falling in alpha: {n} {tuning}")


def halfwidth_limit(s2, n, tuning):
    """The half-width as alpha -> 1 (rho -> 0): sqrt(s2 (2 n + tuning) / (2 n^2))."""
    return math.sqrt(s2 * (2 * n + tuning) / (2 * n * n))


def sequential_p(diff, dv, n, tuning):
    """Smallest alpha in [1e-300, 1] whose interval excludes 0; None where
    |diff| is within 1% of the half-width's limit as alpha -> 1 (there the
    answer hangs on how close to 1 an implementation looks)."""
    if diff == 0:
        return 1.0
    s2 = n * dv
    limit = halfwidth_limit(s2, n, tuning)
    if abs(diff) <= limit:  # not even alpha -> 1 excludes 0
        return 1.0 if abs(diff) < 0.99 * limit else None
    if abs(diff) < 1.01 * limit:
        return None
    f = lambda la: halfwidth(s2, n, math.exp(la), tuning) - abs(diff)
    if f(math.log(1e-300)) < 0:
        return 1e-300
    la = optimize.brentq(f, math.log(1e-300), -1e-9, xtol=1e-14, rtol=4 * np.finfo(float).eps,
                         maxiter=500)
    # The p-value's condition number in |diff| (d ln p / d ln |diff|): times
    # the floats' 1e-16, far under the test's 1e-9.
    h = 1e-6
    slope = (f(la + h) - f(la - h)) / (2 * h)
    check(abs(diff / slope) * 1e-15 < 1e-10, f"p ill-conditioned: {diff} {dv} {n} {tuning}")
    return math.exp(la)


SEQHW = [  # (n, tuning, diff_var scale)
    (4, 5000, 0.25), (100, 100, 0.01), (2000, 5000, 1e-4), (5000, 5000, 2e-5), (60000, 1e5, 3e-6),
    (1e6, 5000, 1e-7), (1e6, 1e7, 5e-6), (300, 1, 2.0),
]
ALPHAS = [1e-300, 1e-50, 1e-10, 1e-3, 0.01, 0.05, 0.1, 1 - 0.95, 1 - 0.9, 0.3, 0.5, 0.9]
Z = [0.3, 1.0, 1.3, 1.6, 2.0, 2.5, 3.0, 4.0, 6.0, 10.0, 30.0, 200.0]


# --- CUPED -----------------------------------------------------------------

def cuped_cases():
    """(units c: (y, x), units t: (y, x)), each a different covariate story."""
    out = []
    # Revenue against pre-period revenue, an effect of +5.
    xc, xt = RNG.gamma(2.0, 50.0, 4000), RNG.gamma(2.0, 50.0, 4100)
    out.append(((0.7 * xc + RNG.gamma(1.5, 20.0, 4000), xc),
                (0.7 * xt + RNG.gamma(1.5, 20.0, 4100) + 5, xt)))
    # Conversion against pre-period visits.
    vc, vt = RNG.poisson(3, 3000).astype(float), RNG.poisson(3, 3200).astype(float)
    out.append((((RNG.random(3000) < 0.02 + 0.01 * vc).astype(float), vc),
                ((RNG.random(3200) < 0.023 + 0.01 * vt).astype(float), vt)))
    # Small arms.
    xc, xt = RNG.normal(10, 3, 6), RNG.normal(10, 3, 7)
    out.append(((xc + RNG.normal(0, 1, 6), xc), (xt + RNG.normal(0.5, 1, 7), xt)))
    # A negative slope, and the treatment's covariate higher by chance.
    xc, xt = RNG.gamma(2.0, 50.0, 1500), RNG.gamma(2.3, 50.0, 1500)
    out.append(((300 - 0.5 * xc + RNG.normal(0, 30, 1500), xc),
                (305 - 0.5 * xt + RNG.normal(0, 30, 1500), xt)))
    # A strong covariate (correlation about 0.99).
    xc, xt = RNG.normal(50, 20, 2500), RNG.normal(50, 20, 2500)
    out.append(((2 * xc + RNG.normal(0, 3, 2500), xc), (2 * xt + RNG.normal(1, 3, 2500), xt)))
    return out


def cuped_line(c_units, t_units):
    (yc, xc), (yt, xt) = c_units, t_units
    sc, st = sums(yc, xc), sums(yt, xt)
    x_all, y_all = np.concatenate([xc, xt]), np.concatenate([yc, yt])
    theta = np.cov(x_all, y_all)[0, 1] / np.var(x_all, ddof=1)
    x_pooled = np.mean(x_all)
    mc = np.mean(yc) - theta * (np.mean(xc) - x_pooled)
    mt = np.mean(yt) - theta * (np.mean(xt) - x_pooled)
    # The adjusted variance of sample.hpp's formula is that of y - theta x.
    vc = np.var(yc - theta * xc, ddof=1) / len(yc)
    vt = np.var(yt - theta * xt, ddof=1) / len(yt)
    dv = vc + vt
    rel, rel_var = mt / mc - 1, vt / mc**2 + mt**2 * vc / mc**4
    df = dv**2 / (vt**2 / (len(yt) - 1) + vc**2 / (len(yc) - 1))
    plain = exact_effect(sc, st)
    reduction = 1 - dv / plain[3]
    # The same theta from the sums, exactly: the units and the sums agree.
    ec, et = exact_moments(sc), exact_moments(st)
    pooled = tuple(a + b for a, b in zip(map(Fraction, sc), map(Fraction, st)))
    p = exact_moments(pooled)
    check(close(theta, float(p[4] / p[3]), 1e-11), "theta from units vs sums")
    th = Fraction(theta)
    for v, m, s in ((vc, ec, sc), (vt, et, st)):
        check(close(v, float((m[1] + th**2 * m[3] - 2 * th * m[4]) / Fraction(s[0])), 1e-11),
              "adjusted variance from units vs the formula on the sums")
    e = (mc, mt, mt - mc, dv, rel, rel_var, df, float(len(yc) + len(yt)))
    lines = [moments_line(sc, yc, xc), moments_line(st, yt, xt)]
    lines.append(f"cuped {' '.join(map(r, sc + st))} {r(theta)} {' '.join(map(r, e))} "
                  f"{r(reduction)}")
    return lines


# --- Bayesian -------------------------------------------------------------------

def bayes_line(e, prior_sd, credibility):
    rel, rel_var = e[4], e[5]
    precision = 1 / rel_var + (1 / prior_sd**2 if prior_sd > 0 else 0)
    m, s = (rel / rel_var) / precision, math.sqrt(1 / precision)
    z = m / s
    chance = stats.norm.cdf(z)
    risk = s * stats.norm.pdf(z) - m * stats.norm.cdf(-z)
    risk_baseline = s * stats.norm.pdf(z) + m * stats.norm.cdf(z)
    q = stats.norm.ppf((1 + credibility) / 2)
    return (f"bayes {' '.join(map(r, e))} {r(prior_sd)} {r(credibility)} {r(chance)} {r(risk)} "
            f"{r(risk_baseline)} {r(m - q * s)} {r(m + q * s)} {r(m)} {r(s)}")


def main():
    out = []
    for x, a, b in BETA:
        out.append(f"beta {r(x)} {r(a)} {r(b)} {r(special.betainc(a, b, x))}")
    for df in DF:
        for t in T:
            cdf, sf = t_cdf_sf(t, df)
            if min(cdf, sf) < 1e-300:  # past the normal range of doubles
                continue
            out.append(f"t {r(t)} {r(df)} {r(cdf)} {r(sf)}")
        for p in P:
            out.append(f"tq {r(p)} {r(df)} {r(t_quantile(p, df))}")

    effects = []
    for c, t, conf, yc, yt in welch_cases():
        e = exact_effect(c, t)
        effects.append(e)
        if yc is not None:
            out.append(moments_line(c, yc, np.zeros(len(yc))))
            out.append(moments_line(t, yt, np.zeros(len(yt))))
        out.append(welch_line(c, t, conf, e))
        for confidence, tuning in [(conf, 5000.0), (0.9, 1000.0), (0.99, 1e5)]:
            if e[3] == 0:
                continue
            alpha = 1 - confidence
            check_monotone(e[7] * e[3], e[7], tuning)
            hw = halfwidth(e[7] * e[3], e[7], alpha, tuning)
            rel_hw = halfwidth(e[7] * e[5], e[7], alpha, tuning) if e[0] != 0 else math.nan
            p = sequential_p(e[2], e[3], e[7], tuning)
            check(p is not None, f"an effect case near the alpha -> 1 limit: {e}")
            out.append(f"seq {' '.join(map(r, e))} {r(confidence)} {r(tuning)} "
                       f"{r(e[2] - hw)} {r(e[2] + hw)} {r(e[4] - rel_hw)} {r(e[4] + rel_hw)} "
                       f"{r(p)}")
    for n, tuning, dv in SEQHW:
        check_monotone(n * dv, n, tuning)
        for alpha in ALPHAS:
            out.append(f"seqhw {r(n * dv)} {r(n)} {r(alpha)} {r(tuning)} "
                       f"{r(halfwidth(n * dv, n, alpha, tuning))}")
        for z in Z:
            for sign in (1, -1):
                diff = sign * z * math.sqrt(dv)
                p = sequential_p(diff, dv, n, tuning)
                if p is not None:
                    out.append(f"seqp {r(diff)} {r(dv)} {r(n)} {r(tuning)} {r(p)}")

    for c_units, t_units in cuped_cases():
        out.extend(cuped_line(c_units, t_units))

    for e in effects:
        if math.isnan(e[4]) or e[5] == 0:
            continue
        for prior_sd, credibility in [(0.0, 0.95), (0.3, 0.95), (0.05, 0.9), (1e-3, 0.99)]:
            out.append(bayes_line(e, prior_sd, credibility))
    print("\n".join(out))


if __name__ == "__main__":
    main()
