#!/usr/bin/env python3
"""Reference values for tests/statistics_test.cpp, computed independently of
experiment/statistics.cpp: every probability and quantile comes from scipy
(norm.sf / norm.cdf / norm.ppf, chi2.sf, chisquare); only the rates, the
z statistic and the standard errors are plain arithmetic.

Prints one case a line, floats as repr (round-trips exactly):
  norm <x> <cdf> <sf>
  normq <p> <quantile>
  chi2 <x> <df> <sf>
  compare <xc> <nc> <xt> <nt> <confidence> <z> <p> <ci_low> <ci_high> <lift_abs> <lift_rel|nan>
  srm <counts,comma-separated> <weights,comma-separated> <p>
"""

import math
import sys

try:
    from scipy import stats
except ImportError:
    sys.stderr.write(
        f"statistics_reference.py: {sys.executable} cannot import scipy: "
        "install python3-scipy (scripts/setup does)\n")
    sys.exit(3)


def r(value):
    return repr(float(value))


NORM_X = [-40.0, -8.0, -1.959963984540054, -0.5, 0.0, 0.3, 1.0, 1.96, 3.5, 5.0, 8.0, 12.0, 20.0, 37.0]

NORMQ_P = [1e-300, 1e-20, 1e-10, 1e-6, 0.001, 0.02, 0.02425, 0.025, 0.1, 0.3, 0.5, 0.7, 0.9,
           0.975, 0.98, 0.999, 0.999999, 1 - 1e-10]

CHI2 = [  # (x, df): small x (series), around df/2 + 1, large x (continued fraction), far tails
    (1e-6, 1), (0.01, 1), (0.5, 1), (1.0, 1), (3.841458820694124, 1), (10.0, 1), (30.0, 1),
    (100.0, 1), (700.0, 1),
    (0.01, 2), (1.0, 2), (4.0, 2), (5.991464547107979, 2), (50.0, 2), (200.0, 2),
    (0.1, 3), (2.0, 3), (5.0, 3), (7.814727903251179, 3), (25.0, 3), (150.0, 3),
    (0.5, 5), (4.0, 5), (7.0, 5), (11.070497693516351, 5), (40.0, 5), (200.0, 5),
]

COMPARE = [  # (xc, nc, xt, nt, confidence)
    (5, 50, 9, 60, 0.95),              # small arms
    (10, 50, 12, 60, 0.90),            # equal rates
    (25000, 250000, 25400, 250000, 0.95),  # large arms, small lift
    (30000, 250000, 29000, 250000, 0.95),  # treatment worse than control
    (0, 1000, 12, 1000, 0.95),         # no conversion in the control
    (1000, 10000, 1375, 10000, 0.95),  # z around 8
    (1000, 10000, 1000 - 370, 10000, 0.99),  # z around -9, treatment worse
    (40, 400, 41, 410, 0.95),          # equal rates, unequal arms
    (1, 20, 19, 20, 0.95),             # nearly all vs nearly none
    (123, 4567, 150, 4321, 0.80),
]

SRM = [  # (counts, weights)
    ([5000, 5000], [1, 1]),            # balanced split
    ([5050, 4950], [1, 1]),
    ([5400, 4600], [1, 1]),            # clear mismatch
    ([90120, 9880], [0.9, 0.1]),       # unequal weights, close
    ([3334, 3333, 3333], [1, 1, 1]),   # balanced three arms
    ([3500, 3300, 3200], [1, 1, 1]),
    ([10000, 12000, 8000], [1, 1, 1]),  # clear mismatch, far tail
    ([5000, 2600, 2400], [2, 1, 1]),
]


def main():
    out = []
    for x in NORM_X:
        out.append(f"norm {r(x)} {r(stats.norm.cdf(x))} {r(stats.norm.sf(x))}")
    for p in NORMQ_P:
        out.append(f"normq {r(p)} {r(stats.norm.ppf(p))}")
    for x, df in CHI2:
        out.append(f"chi2 {r(x)} {df} {r(stats.chi2.sf(x, df))}")
    for xc, nc, xt, nt, confidence in COMPARE:
        pc, pt = xc / nc, xt / nt
        pooled = (xc + xt) / (nc + nt)
        z = (pt - pc) / math.sqrt(pooled * (1 - pooled) * (1 / nc + 1 / nt))
        p = 2 * stats.norm.sf(abs(z))
        se = math.sqrt(pc * (1 - pc) / nc + pt * (1 - pt) / nt)
        half = stats.norm.ppf(1 - (1 - confidence) / 2) * se
        diff = pt - pc
        lift_rel = diff / pc if pc > 0 else math.nan
        out.append(f"compare {xc} {nc} {xt} {nt} {r(confidence)} {r(z)} {r(p)} "
                   f"{r(diff - half)} {r(diff + half)} {r(diff)} {r(lift_rel)}")
    for counts, weights in SRM:
        total = sum(counts)
        expected = [total * w / sum(weights) for w in weights]
        p = stats.chisquare(counts, f_exp=expected).pvalue
        out.append(f"srm {','.join(map(str, counts))} {','.join(map(r, weights))} {r(p)}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
