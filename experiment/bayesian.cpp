#include "experiment/bayesian.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "experiment/statistics.hpp"

namespace troupe::experiment {

bayesian_result bayesian_test(const effect& e, double prior_sd, double credibility) {
  if (!(prior_sd >= 0) || !std::isfinite(prior_sd))
    throw std::invalid_argument("bayesian_test: prior_sd must be >= 0 (0: a flat prior)");
  if (!(credibility > 0 && credibility < 1))
    throw std::invalid_argument("bayesian_test: credibility must be in (0,1)");
  bayesian_result r;
  if (!std::isfinite(e.rel) || !std::isfinite(e.rel_var) || !(e.rel_var > 0)) {
    double nan = std::numeric_limits<double>::quiet_NaN();
    r.chance_to_win = r.risk = r.risk_baseline = r.ci_low = r.ci_high = r.mean = r.sd =
        nan;
    return r;
  }
  double precision = 1 / e.rel_var + (prior_sd > 0 ? 1 / (prior_sd * prior_sd) : 0);
  r.mean = e.rel / e.rel_var / precision;
  r.sd = std::sqrt(1 / precision);
  double z = r.mean / r.sd;
  double density = std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI);
  r.chance_to_win = normal_cdf(z);
  r.risk = r.sd * density - r.mean * normal_cdf(-z);
  r.risk_baseline = r.sd * density + r.mean * normal_cdf(z);
  double q = normal_quantile((1 + credibility) / 2);
  r.ci_low = r.mean - q * r.sd;
  r.ci_high = r.mean + q * r.sd;
  return r;
}

} // namespace troupe::experiment
