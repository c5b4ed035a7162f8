#include "experiment/student_t.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "experiment/statistics.hpp"

namespace troupe::experiment {

namespace {

constexpr int max_iterations = 10000;
constexpr double epsilon = 4e-16;
constexpr double tiny = 1e-300;

/// ln B(a, b). For b = 1/2 and a large (the t distribution at a large df)
/// the difference of lgammas would cancel: there the asymptotic series of
/// ln(Gamma(a + 1/2) / Gamma(a)) is used instead.
double log_beta(double a, double b) {
  auto half_ratio = [](double a) { // ln(Gamma(a + 1/2) / Gamma(a)), a > 100
    double r = 1 / a, r2 = r * r;
    return 0.5 * std::log(a) - r / 8 + r * r2 / 192 + r * r2 * r2 / 640 -
           17 * r * r2 * r2 * r2 / 14336;
  };
  if (b == 0.5 && a > 100)
    return std::lgamma(0.5) - half_ratio(a);
  if (a == 0.5 && b > 100)
    return std::lgamma(0.5) - half_ratio(b);
  return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b);
}

/// The continued fraction of I_x(a, b) (modified Lentz), good for
/// x < (a + 1) / (a + b + 2).
double beta_fraction(double a, double b, double x) {
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  if (std::fabs(d) < tiny)
    d = tiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m < max_iterations; ++m) {
    double m2 = 2.0 * m;
    double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    for (int step = 0; step < 2; ++step) {
      d = 1 + num * d;
      if (std::fabs(d) < tiny)
        d = tiny;
      c = 1 + num / c;
      if (std::fabs(c) < tiny)
        c = tiny;
      d = 1 / d;
      double delta = d * c;
      h *= delta;
      if (step == 1 && std::fabs(delta - 1) < epsilon)
        return h;
      num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    }
  }
  return h;
}

/// I_x(a, b) with y = 1 - x given separately (computed without
/// cancellation by the caller where it can be).
double regularized_beta(double x, double y, double a, double b) {
  if (x <= 0)
    return 0;
  if (y <= 0)
    return 1;
  double front = std::exp(a * std::log(x) + b * std::log(y) - log_beta(a, b));
  if (x < (a + 1) / (a + b + 2))
    return front * beta_fraction(a, b, x) / a;
  return 1 - front * beta_fraction(b, a, y) / b;
}

/// P(T > |t|): half of I_{df / (df + t^2)}(df / 2, 1 / 2).
double upper_tail(double t, double df) {
  double t2 = t * t;
  if (std::isinf(t2))
    return 0;
  double x = df / (df + t2), y = t2 / (df + t2);
  return 0.5 * regularized_beta(x, y, df / 2, 0.5);
}

void check_df(double df, const char* who) {
  if (!(df > 0))
    throw std::domain_error(std::string{who} + ": df must be positive");
}

} // namespace

double incomplete_beta(double x, double a, double b) {
  if (!(x >= 0 && x <= 1) || !(a > 0) || !(b > 0) || std::isinf(a) || std::isinf(b))
    throw std::domain_error("incomplete_beta: needs x in [0, 1] and finite a, b > 0");
  return regularized_beta(x, 1 - x, a, b);
}

double student_t_cdf(double t, double df) {
  check_df(df, "student_t_cdf");
  if (std::isnan(t))
    return t;
  if (std::isinf(df))
    return normal_cdf(t);
  return t < 0 ? upper_tail(t, df) : 1 - upper_tail(t, df);
}

double student_t_sf(double t, double df) {
  check_df(df, "student_t_sf");
  if (std::isnan(t))
    return t;
  if (std::isinf(df))
    return normal_sf(t);
  return t > 0 ? upper_tail(t, df) : 1 - upper_tail(t, df);
}

double student_t_quantile(double p, double df) {
  check_df(df, "student_t_quantile");
  if (!(p > 0 && p < 1))
    throw std::domain_error("student_t_quantile: p must be in (0,1)");
  if (std::isinf(df))
    return normal_quantile(p);
  if (p > 0.5)
    return -student_t_quantile(1 - p, df);
  if (p == 0.5)
    return 0;
  // Lower half: t < 0 and cdf(t) = upper_tail(t). Bracket within a power
  // of two, then halve to the last bit.
  double hi = 0, lo = -1;
  while (upper_tail(lo, df) > p && lo > -std::numeric_limits<double>::max() / 4) {
    hi = lo;
    lo *= 2;
  }
  for (int i = 0; i < 2000; ++i) {
    double mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi)
      break;
    (upper_tail(mid, df) > p ? hi : lo) = mid;
  }
  return lo + (hi - lo) / 2;
}

} // namespace troupe::experiment
