#pragma once
/// One arm's sufficient statistics of a metric, and the estimate of a
/// treatment arm's effect against a baseline arm from two of them. Sums
/// add over members and groups (an arm's sample is the sum of its parts),
/// so a node sends sums and the methods (welch.hpp, sequential.hpp,
/// bayesian.hpp, cuped.hpp) work from them alone.
///
/// Per unit (a customer): the metric y (1/0 for a conversion, the revenue
/// for revenue) and optionally a pre-period covariate x (CUPED; 0 without).

namespace troupe::experiment {

struct sample {
  double n = 0;      ///< units
  double sum = 0;    ///< sum of y
  double sum_sq = 0; ///< sum of y^2
  double x_sum = 0;  ///< sum of x
  double x_sum_sq = 0;
  double xy_sum = 0; ///< sum of x * y

  double mean() const; ///< sum / n (NaN when n == 0)
  double
  variance() const; ///< sample variance of y, n - 1 in the denominator (NaN when n < 2)
  double x_mean() const;
  double x_variance() const;
  double covariance() const; ///< sample covariance of x and y (n - 1)
  sample& operator+=(const sample& o);
};

/// A treatment arm's effect against its baseline, with the variances the
/// methods need. `theta` = 0 is the plain estimate; otherwise the
/// CUPED-adjusted one (cuped.hpp):
///   adjusted mean_i  = mean_i - theta * (x_mean_i - x_mean_pooled)
///   adjusted var_i   = var_i + theta^2 * x_var_i - 2 theta * cov_i
/// with x_mean_pooled over both arms. Then, with v_i = var_i / n_i:
///   diff      = mean_t - mean_c,   diff_var = v_t + v_c
///   rel       = mean_t / mean_c - 1
///   rel_var   = v_t / mean_c^2 + mean_t^2 * v_c / mean_c^4   (delta method)
///   df        = diff_var^2 / (v_t^2 / (n_t - 1) + v_c^2 / (n_c - 1))  (Welch)
/// rel and rel_var are NaN when mean_c == 0; df is NaN when diff_var == 0.
struct effect {
  double baseline_mean = 0;
  double mean = 0;
  double diff = 0;
  double diff_var = 0;
  double rel = 0;
  double rel_var = 0;
  double df = 0;
  double n = 0; ///< n_c + n_t
};

/// Throws std::invalid_argument when either arm has n < 2.
effect estimate_effect(const sample& baseline, const sample& treatment, double theta = 0);

} // namespace troupe::experiment
