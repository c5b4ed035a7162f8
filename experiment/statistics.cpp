#include "experiment/statistics.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace troupe::experiment {
namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
constexpr double sqrt2 = 1.41421356237309504880;
constexpr double sqrt2pi = 2.50662827463100050242;

/// Acklam's approximation of the quantile for p in (0, 0.5], relative error
/// below 1.15e-9.
double acklam_lower(double p) {
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  if (p < 0.02425) {
    double q = std::sqrt(-2 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  double q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

constexpr int max_iterations = 10000;
constexpr double epsilon = 1e-16;
constexpr double tiny = 1e-300;

/// Regularized lower incomplete gamma P(a, x) by its series (x < a + 1).
double gamma_p_series(double a, double x) {
  double term = 1 / a, sum = term;
  for (int n = 1; n < max_iterations && std::fabs(term) > std::fabs(sum) * epsilon; ++n) {
    term *= x / (a + n);
    sum += term;
  }
  return sum * std::exp(-x + a * std::log(x) - std::lgamma(a));
}

/// Regularized upper incomplete gamma Q(a, x) by its continued fraction
/// (x >= a + 1), modified Lentz.
double gamma_q_fraction(double a, double x) {
  double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (int i = 1; i < max_iterations; ++i) {
    double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::fabs(d) < tiny)
      d = tiny;
    c = b + an / c;
    if (std::fabs(c) < tiny)
      c = tiny;
    d = 1 / d;
    double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) < epsilon)
      break;
  }
  return h * std::exp(-x + a * std::log(x) - std::lgamma(a));
}

}  // namespace

double normal_cdf(double x) { return 0.5 * std::erfc(-x / sqrt2); }

double normal_sf(double x) { return 0.5 * std::erfc(x / sqrt2); }

double normal_quantile(double p) {
  if (!(p > 0 && p < 1))
    throw std::domain_error("normal_quantile: p must be in (0,1)");
  // Upper half by symmetry: 1 - p is exact there, and refining against the
  // lower tail keeps the relative accuracy of small tails.
  if (p > 0.5)
    return -normal_quantile(1 - p);
  double x = acklam_lower(p);
  // One Halley step on normal_cdf(x) - p.
  double density = std::exp(-0.5 * x * x) / sqrt2pi;
  if (density > 0) {
    double u = (normal_cdf(x) - p) / density;
    x -= u / (1 + x * u / 2);
  }
  return x;
}

double chi_square_sf(double x, double df) {
  if (!(df > 0) || !std::isfinite(df))
    throw std::domain_error("chi_square_sf: df must be positive and finite");
  if (std::isnan(x))
    return not_a_number;
  if (x <= 0)
    return 1;
  if (std::isinf(x))
    return 0;
  double a = df / 2, y = x / 2;
  return y < a + 1 ? 1 - gamma_p_series(a, y) : gamma_q_fraction(a, y);
}

proportion_comparison compare_proportions(uint64_t control_conversions, uint64_t control_n,
                                          uint64_t conversions, uint64_t n, double confidence) {
  if (control_conversions > control_n || conversions > n)
    throw std::invalid_argument("compare_proportions: conversions exceed the arm's size");
  if (!(confidence > 0 && confidence < 1))
    throw std::invalid_argument("compare_proportions: confidence must be in (0,1)");

  proportion_comparison result;
  double nc = static_cast<double>(control_n), nt = static_cast<double>(n);
  result.control_rate = control_n ? control_conversions / nc : 0;
  result.rate = n ? conversions / nt : 0;
  result.lift_abs = result.rate - result.control_rate;
  result.lift_rel = result.control_rate > 0 ? result.lift_abs / result.control_rate : not_a_number;
  if (control_n == 0 || n == 0) {
    result.ci_low = result.ci_high = not_a_number;
    return result;
  }

  double pooled = (static_cast<double>(control_conversions) + conversions) / (nc + nt);
  double pooled_variance = pooled * (1 - pooled) * (1 / nc + 1 / nt);
  if (pooled_variance > 0) {
    result.z = result.lift_abs / std::sqrt(pooled_variance);
    result.p_value = 2 * normal_sf(std::fabs(result.z));
  }
  double pc = result.control_rate, pt = result.rate;
  double se = std::sqrt(pc * (1 - pc) / nc + pt * (1 - pt) / nt);
  double half_width = normal_quantile(1 - (1 - confidence) / 2) * se;
  result.ci_low = result.lift_abs - half_width;
  result.ci_high = result.lift_abs + half_width;
  return result;
}

double sample_ratio_p_value(const std::vector<uint64_t>& observed, const std::vector<double>& weights) {
  if (observed.size() != weights.size())
    throw std::invalid_argument("sample_ratio_p_value: observed and weights differ in size");
  double weight_sum = 0, total = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    if (!(weights[i] > 0) || !std::isfinite(weights[i]))
      throw std::invalid_argument("sample_ratio_p_value: weights must be positive and finite");
    weight_sum += weights[i];
    total += static_cast<double>(observed[i]);
  }
  if (!std::isfinite(weight_sum))
    throw std::invalid_argument("sample_ratio_p_value: the weights' sum is not finite");
  if (observed.size() < 2 || total == 0)
    return 1;

  double chi_square = 0;
  for (size_t i = 0; i < observed.size(); ++i) {
    double expected = total * weights[i] / weight_sum;
    double diff = static_cast<double>(observed[i]) - expected;
    chi_square += diff * diff / expected;
  }
  return chi_square_sf(chi_square, static_cast<double>(observed.size() - 1));
}

}  // namespace troupe::experiment
