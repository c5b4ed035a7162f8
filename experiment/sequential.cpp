#include "experiment/sequential.hpp"

#include <cmath>
#include <stdexcept>

namespace troupe::experiment {

namespace {

/// The smallest alpha bisection looks at; the p-value never goes below.
constexpr double lowest_alpha = 1e-300;
/// Just under 1: at alpha = 1 rho is 0 and the formula divides by it.
constexpr double highest_alpha = 1 - 1e-12;

double halfwidth(double s2, double n, double alpha, double tuning) {
  double l = -2 * std::log(alpha);
  double rho2 = (l + std::log(l + 1)) / tuning;
  double nr = n * rho2;
  return std::sqrt(s2) *
         std::sqrt(2 * (nr + 1) / (n * n * rho2) * std::log(std::sqrt(nr + 1) / alpha));
}

} // namespace

double sequential_halfwidth(double s2, double n, double alpha, double tuning) {
  if (!(s2 >= 0) || !(n > 0) || !(tuning > 0) || !(alpha > 0 && alpha < 1))
    throw std::invalid_argument(
        "sequential_halfwidth: needs s2 >= 0, n > 0, tuning > 0 and alpha in (0,1)");
  return halfwidth(s2, n, alpha, tuning);
}

double sequential_p_value(double diff, double diff_var, double n, double tuning) {
  if (!std::isfinite(diff) || !(diff_var > 0) || !(n > 0))
    return 1;
  double s2 = n * diff_var, target = std::fabs(diff);
  if (halfwidth(s2, n, highest_alpha, tuning) >= target)
    return 1;
  if (halfwidth(s2, n, lowest_alpha, tuning) < target)
    return lowest_alpha;
  // halfwidth falls as alpha rises: find where it crosses |diff|, on ln alpha.
  double lo = std::log(lowest_alpha), hi = std::log(highest_alpha);
  for (int i = 0; i < 200; ++i) {
    double mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi)
      break;
    (halfwidth(s2, n, std::exp(mid), tuning) < target ? hi : lo) = mid;
  }
  return std::exp(lo + (hi - lo) / 2);
}

sequential_result sequential_test(const effect& e, double confidence, double tuning) {
  if (!(confidence > 0 && confidence < 1) || !(tuning > 0))
    throw std::invalid_argument(
        "sequential_test: needs confidence in (0,1) and tuning > 0");
  double alpha = 1 - confidence;
  sequential_result r;
  double w = sequential_halfwidth(std::fmax(0.0, e.n * e.diff_var), e.n, alpha, tuning);
  r.ci_low = e.diff - w;
  r.ci_high = e.diff + w;
  if (std::isfinite(e.rel) && std::isfinite(e.rel_var)) {
    double wr = sequential_halfwidth(std::fmax(0.0, e.n * e.rel_var), e.n, alpha, tuning);
    r.rel_ci_low = e.rel - wr;
    r.rel_ci_high = e.rel + wr;
  } else {
    r.rel_ci_low = r.rel_ci_high = e.rel_var + e.rel; // NaN
  }
  r.p_value = sequential_p_value(e.diff, e.diff_var, e.n, tuning);
  return r;
}

} // namespace troupe::experiment
