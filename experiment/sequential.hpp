#pragma once
/// Sequential testing: asymptotic confidence sequences (Waudby-Smith,
/// Arnold, Wu, Ramdas, Howard, "Time-uniform central limit theory and
/// asymptotic confidence sequences", arXiv 2103.06476, eq. 9; tuned as
/// GrowthBook's engine does). An interval that holds at every sample size
/// at once: the result may be read daily, or continuously, and stopped
/// when it excludes 0, without the false positives a fixed-horizon test
/// read repeatedly gives. Pure.
///
/// With n = n_c + n_t units, s2 = n * Var(estimate), alpha = 1 - confidence
/// and the tuning N (the sample size the sequence is tightest at):
///   rho       = sqrt((-2 ln alpha + ln(-2 ln alpha + 1)) / N)
///   halfwidth = sqrt(s2) * sqrt(2 (n rho^2 + 1) / (n^2 rho^2) * ln(sqrt(n rho^2 + 1) /
///   alpha))
/// The always-valid p-value is the smallest alpha whose interval excludes
/// 0: found by bisection on ln alpha (the half-width falls as alpha
/// rises), 1 when even alpha -> 1 does not exclude it.

#include "experiment/sample.hpp"

namespace troupe::experiment {

inline constexpr double default_sequential_tuning = 5000;

/// Throws std::invalid_argument unless s2 >= 0, n > 0, tuning > 0 and
/// alpha in (0, 1).
double sequential_halfwidth(double s2, double n, double alpha, double tuning);

struct sequential_result {
  double ci_low = 0; ///< diff -+ halfwidth(n * diff_var)
  double ci_high = 0;
  double rel_ci_low = 0; ///< rel -+ halfwidth(n * rel_var) (NaN when rel is)
  double rel_ci_high = 0;
  double p_value = 1; ///< always valid, of the difference
};

sequential_result sequential_test(const effect& e, double confidence = 0.95,
                                  double tuning = default_sequential_tuning);

/// The always-valid p-value of an estimate `diff` with variance `diff_var`
/// over n units, in [1e-300, 1]; 1 when diff_var == 0 (no variation:
/// nothing to test, as welch_test says) or an input is not finite.
double sequential_p_value(double diff, double diff_var, double n, double tuning);

} // namespace troupe::experiment
