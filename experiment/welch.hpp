#pragma once
/// The fixed-horizon frequentist test of an effect (sample.hpp): Welch's
/// t test of the difference of means, its t interval, and the delta-method
/// interval of the relative lift with the same t quantile (as GrowthBook's
/// frequentist engine). Valid when read once, at a horizon fixed in
/// advance; read daily, use sequential.hpp. Pure.

#include "experiment/sample.hpp"

namespace troupe::experiment {

struct welch_result {
  double t = 0;       ///< diff / sqrt(diff_var)
  double df = 0;      ///< Welch-Satterthwaite
  double p_value = 1; ///< two-sided, 2 * student_t_sf(|t|, df)
  double ci_low = 0;  ///< diff -+ q * sqrt(diff_var), q = student_t_quantile(1 - (1 -
                      ///< confidence) / 2, df)
  double ci_high = 0;
  double rel_ci_low = 0; ///< rel -+ q * sqrt(rel_var) (NaN when rel is)
  double rel_ci_high = 0;
};

/// diff_var == 0 (no variation in either arm): t = 0, p_value = 1, the
/// intervals collapse on the estimates. Throws std::invalid_argument
/// unless confidence is in (0, 1).
welch_result welch_test(const effect& e, double confidence = 0.95);

} // namespace troupe::experiment
