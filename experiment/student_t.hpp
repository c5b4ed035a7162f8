#pragma once
/// Student's t distribution: its tails and quantile, for the Welch t test
/// (experiment/welch.hpp). Our own: the regularized incomplete beta by its
/// continued fraction (modified Lentz); tests/experiment_methods_test.cpp
/// checks it against scipy. Pure functions.

namespace troupe::experiment {

/// Regularized incomplete beta I_x(a, b) for x in [0, 1], a, b > 0.
/// Throws std::domain_error outside that domain (NaN included).
double incomplete_beta(double x, double a, double b);

/// P(T <= t) and P(T > t) for T ~ Student t with `df` degrees of freedom
/// (df > 0; may be fractional, as Welch's is). An infinite df is the normal
/// distribution. Throws std::domain_error unless df > 0 (t NaN gives NaN).
double student_t_cdf(double t, double df);
double student_t_sf(double t, double df);

/// The t with student_t_cdf(t, df) == p, p in (0, 1): bisection on the
/// CDF to machine precision. Throws std::domain_error outside (0, 1) or
/// unless df > 0.
double student_t_quantile(double p, double df);

} // namespace troupe::experiment
