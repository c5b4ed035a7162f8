#pragma once
/// The statistics of an A/B experiment report (`campaign report`): each
/// treatment arm's conversion rate against the control arm's (two-proportion
/// z test and a Wald interval of the difference), and a sample-ratio-mismatch
/// check of the arm sizes against the configured split (Pearson chi-square).
/// The distribution functions are our own (std::erfc, an incomplete gamma);
/// tests/statistics_test.cpp checks them against scipy.
/// Pure functions, no state: safe to call from any thread.

#include <cstdint>
#include <vector>

namespace troupe::experiment {

/// Standard normal CDF and its upper tail 1 - CDF, both accurate far into the
/// tail (std::erfc, no subtraction from 1).
double normal_cdf(double x);
double normal_sf(double x);

/// Inverse of normal_cdf for p in (0,1): Acklam's rational approximation and
/// one Halley step, accurate to about 1e-12 relative. Throws std::domain_error
/// when p is not in (0,1) (NaN included).
double normal_quantile(double p);

/// Upper tail P(X >= x) of a chi-square distribution with df degrees of
/// freedom: the regularized upper incomplete gamma Q(df/2, x/2), by series for
/// x/2 < df/2 + 1 and by continued fraction (modified Lentz) otherwise, so a
/// tiny tail is computed directly, not as 1 - P. x <= 0 gives 1, x = inf 0,
/// x NaN NaN. Throws std::domain_error unless df > 0 and finite.
double chi_square_sf(double x, double df);

/// A treatment arm's conversions against the control arm's.
struct proportion_comparison {
  double control_rate = 0;  ///< control conversions / control n (0 for an empty arm)
  double rate = 0;          ///< treatment conversions / treatment n (0 for an empty arm)
  double lift_abs = 0;      ///< rate - control_rate
  double lift_rel = 0;      ///< lift_abs / control_rate; NaN when control_rate == 0
  double z = 0;             ///< pooled two-proportion z statistic
  double p_value = 1;       ///< two-sided
  double ci_low = 0;        ///< Wald interval of rate - control_rate, unpooled SE
  double ci_high = 0;
};

/// With p_c, p_t the rates and the pooled rate p = (x_c + x_t) / (n_c + n_t):
///   z       = (p_t - p_c) / sqrt(p (1 - p) (1/n_c + 1/n_t))
///   p_value = 2 normal_sf(|z|)
///   CI      = (p_t - p_c) +- normal_quantile(1 - (1 - confidence) / 2)
///                            * sqrt(p_c (1 - p_c) / n_c + p_t (1 - p_t) / n_t)
/// Degenerate inputs (no exception):
///   - an empty arm (n_c == 0 or n_t == 0): its rate is 0, lift as above,
///     z = 0, p_value = 1, ci_low = ci_high = NaN;
///   - pooled variance 0 (no conversion at all, or every user converted in
///     both arms): z = 0, p_value = 1, ci_low = ci_high = lift_abs (= 0).
/// Throws std::invalid_argument when conversions > n in either arm, or when
/// confidence is not in (0,1).
proportion_comparison compare_proportions(uint64_t control_conversions, uint64_t control_n,
                                          uint64_t conversions, uint64_t n,
                                          double confidence = 0.95);

/// Sample-ratio-mismatch check: Pearson chi-square of the observed arm sizes
/// against expected_i = total * weights[i] / sum(weights), df = k - 1; returns
/// its p-value (small: the split is not the configured one). No arm, one arm,
/// or total 0: returns 1. Throws std::invalid_argument when the sizes of
/// observed and weights differ, or a weight (or their sum) is <= 0 or not
/// finite.
double sample_ratio_p_value(const std::vector<uint64_t>& observed, const std::vector<double>& weights);

}  // namespace troupe::experiment
