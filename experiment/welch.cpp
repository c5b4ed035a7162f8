#include "experiment/welch.hpp"

#include <cmath>
#include <stdexcept>

#include "experiment/student_t.hpp"

namespace troupe::experiment {

welch_result welch_test(const effect& e, double confidence) {
  if (!(confidence > 0 && confidence < 1))
    throw std::invalid_argument("welch_test: confidence must be in (0,1)");
  welch_result r;
  r.df = e.df;
  if (!(e.diff_var > 0)) { // no variation at all: nothing to test
    r.t = 0;
    r.p_value = 1;
    r.ci_low = r.ci_high = e.diff;
    r.rel_ci_low = r.rel_ci_high = e.rel;
    return r;
  }
  double se = std::sqrt(e.diff_var);
  r.t = e.diff / se;
  r.p_value = std::fmin(1.0, 2 * student_t_sf(std::fabs(r.t), e.df));
  double q = student_t_quantile(1 - (1 - confidence) / 2, e.df);
  r.ci_low = e.diff - q * se;
  r.ci_high = e.diff + q * se;
  double rel_se = std::sqrt(e.rel_var); // NaN stays NaN
  r.rel_ci_low = e.rel - q * rel_se;
  r.rel_ci_high = e.rel + q * rel_se;
  return r;
}

} // namespace troupe::experiment
