#include "experiment/cuped.hpp"

#include <limits>

namespace troupe::experiment {

double cuped_theta(const sample& baseline, const sample& treatment) {
  sample all = baseline;
  all += treatment;
  if (all.n < 2)
    return 0;
  double var = all.x_variance();
  return var > 0 ? all.covariance() / var : 0;
}

cuped_result cuped_effect(const sample& baseline, const sample& treatment) {
  cuped_result r;
  auto plain = estimate_effect(baseline, treatment);
  r.theta = cuped_theta(baseline, treatment);
  r.adjusted = estimate_effect(baseline, treatment, r.theta);
  r.variance_reduction = plain.diff_var > 0 ? 1 - r.adjusted.diff_var / plain.diff_var
                                            : std::numeric_limits<double>::quiet_NaN();
  return r;
}

} // namespace troupe::experiment
