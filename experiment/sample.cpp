#include "experiment/sample.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace troupe::experiment {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// Sample (co)variance from sums: (sum_ab - sum_a sum_b / n) / (n - 1),
/// never below 0 for a variance (rounding).
double comoment(double n, double sum_ab, double sum_a, double sum_b) {
  return n < 2 ? nan : (sum_ab - sum_a * sum_b / n) / (n - 1);
}

/// A variance rounded below 0 is 0; NaN stays NaN.
double not_below_zero(double v) { return v < 0 ? 0.0 : v; }

} // namespace

double sample::mean() const {
  return n > 0 ? sum / n : nan;
}
double sample::x_mean() const {
  return n > 0 ? x_sum / n : nan;
}
double sample::variance() const {
  return not_below_zero(comoment(n, sum_sq, sum, sum));
}
double sample::x_variance() const {
  return not_below_zero(comoment(n, x_sum_sq, x_sum, x_sum));
}
double sample::covariance() const {
  return comoment(n, xy_sum, x_sum, sum);
}

sample& sample::operator+=(const sample& o) {
  n += o.n;
  sum += o.sum;
  sum_sq += o.sum_sq;
  x_sum += o.x_sum;
  x_sum_sq += o.x_sum_sq;
  xy_sum += o.xy_sum;
  return *this;
}

effect estimate_effect(const sample& baseline, const sample& treatment, double theta) {
  if (!(baseline.n >= 2) || !(treatment.n >= 2))
    throw std::invalid_argument("estimate_effect: each arm needs at least 2 units");
  double pooled_x = (baseline.x_sum + treatment.x_sum) / (baseline.n + treatment.n);
  auto adjusted_mean = [&](const sample& s) {
    return theta == 0 ? s.mean() : s.mean() - theta * (s.x_mean() - pooled_x);
  };
  auto adjusted_var = [&](const sample& s) {
    if (theta == 0)
      return s.variance();
    return not_below_zero(s.variance() + theta * theta * s.x_variance() -
                              2 * theta * s.covariance());
  };
  effect e;
  e.baseline_mean = adjusted_mean(baseline);
  e.mean = adjusted_mean(treatment);
  double vc = adjusted_var(baseline) / baseline.n;
  double vt = adjusted_var(treatment) / treatment.n;
  e.diff = e.mean - e.baseline_mean;
  e.diff_var = vt + vc;
  if (e.baseline_mean == 0) {
    e.rel = e.rel_var = nan;
  } else {
    double mc2 = e.baseline_mean * e.baseline_mean;
    e.rel = e.mean / e.baseline_mean - 1;
    e.rel_var = vt / mc2 + e.mean * e.mean * vc / (mc2 * mc2);
  }
  // Welch-Satterthwaite, scale-free (squares of tiny variances underflow).
  if (e.diff_var > 0) {
    double a = vt / e.diff_var, b = vc / e.diff_var;
    e.df = 1 / (a * a / (treatment.n - 1) + b * b / (baseline.n - 1));
  } else {
    e.df = nan;
  }
  e.n = baseline.n + treatment.n;
  return e;
}

} // namespace troupe::experiment
