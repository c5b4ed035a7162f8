#pragma once
/// The statistics of a campaign report (campaign/report.hpp), computed from
/// its sums where the report is read (the shell). Pure.
///
/// In each group:
/// - Against the control (the first arm), each other arm's conversion rate
///   by the pooled two-proportion z test and the Wald interval of the
///   difference (experiment/statistics.hpp): the report's first columns.
/// - `comparisons`: each arm that is sent the message against each
///   baseline: the control, every holdout arm, and the global holdout
///   when it held customers of the campaign. Two metrics per comparison,
///   conversion (1/0 per exposed customer) and revenue (the customer's
///   attributed conversion values), each by a Welch t test with the
///   delta-method interval of the relative lift (experiment/welch.hpp);
///   with a covariate, CUPED-adjusted (experiment/cuped.hpp); on request
///   also the confidence sequence and always-valid p-value
///   (experiment/sequential.hpp) and the Bayesian posterior of the
///   relative lift (experiment/bayesian.hpp).
/// - The sample-ratio check of the audiences against the weights.
/// An arm (or baseline) with fewer than min_tested_customers exposed is not
/// tested: its statistics are NaN (null in JSON), and the sample-ratio
/// check waits until every arm's audience has that many.

#include <cstdint>

#include "campaign/report.hpp"

namespace troupe::campaign {

inline constexpr uint64_t min_tested_customers = 8;
/// Below this the sample ratio is reported as a mismatch.
inline constexpr double srm_threshold = 0.001;

struct report_options {
  bool sequential = false;
  bool bayesian = false;
  double prior_sd = 0; ///< of the relative lift; 0: a flat prior
  double confidence = 0.95;
  double tuning = experiment::default_sequential_tuning;
};

/// Fills the rates, comparisons and sample-ratio p-values of `r` from its
/// sums. The covariate is used when `r.cuped` names one. Throws
/// std::invalid_argument when the sums are inconsistent (conversions over
/// the exposed customers) or an option is out of range.
void compute_statistics(campaign_report& r, const report_options& options = {});

/// The sample-ratio p-value of arm audiences against their weights
/// (experiment::sample_ratio_p_value); NaN when an arm has fewer than
/// min_tested_customers, there are fewer than two arms, or the sizes differ.
double srm_p_value(const std::vector<uint64_t>& audiences,
                   const std::vector<double>& weights);

} // namespace troupe::campaign
