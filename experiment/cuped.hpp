#pragma once
/// CUPED (Deng, Xu, Kohavi, Walker 2013): a metric adjusted by a covariate
/// measured before the experiment, with one regression coefficient pooled
/// over both arms, as GrowthBook does:
///   theta = Cov(x, y) / Var(x) over the units of both arms as one sample
///   (sample moments, n - 1), 0 when Var(x) == 0 or n < 2.
/// estimate_effect(c, t, theta) then gives the adjusted effect; the
/// variance reduction is 1 - adjusted diff_var / unadjusted diff_var. Pure.

#include "experiment/sample.hpp"

namespace troupe::experiment {

double cuped_theta(const sample& baseline, const sample& treatment);

struct cuped_result {
  double theta = 0;
  double variance_reduction = 0; ///< at most 1 (negative: the covariate added noise); NaN when the unadjusted diff_var is 0
  effect adjusted;
};

/// Throws std::invalid_argument when either arm has n < 2.
cuped_result cuped_effect(const sample& baseline, const sample& treatment);

} // namespace troupe::experiment
