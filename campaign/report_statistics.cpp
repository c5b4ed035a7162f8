#include "campaign/report_statistics.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "experiment/cuped.hpp"
#include "experiment/statistics.hpp"

namespace troupe::campaign {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

experiment::sample conversion_sample(const arm_result& a) {
  experiment::sample s;
  s.n = static_cast<double>(a.exposed());
  s.sum = s.sum_sq = static_cast<double>(a.conversions);
  s.x_sum = a.x_sum;
  s.x_sum_sq = a.x_sq;
  s.xy_sum = a.x_conversion;
  return s;
}

experiment::sample revenue_sample(const arm_result& a) {
  experiment::sample s;
  s.n = static_cast<double>(a.exposed());
  s.sum = a.revenue;
  s.sum_sq = a.revenue_sq;
  s.x_sum = a.x_sum;
  s.x_sum_sq = a.x_sq;
  s.xy_sum = a.x_revenue;
  return s;
}

void untested(metric_result& m) {
  m.tested = false;
  m.baseline_mean = m.mean = m.lift_abs = m.lift_rel = nan;
  m.fixed = {nan, nan, nan, nan, nan, nan, nan};
  m.theta = m.variance_reduction = nan;
  m.always_valid = {nan, nan, nan, nan, nan};
  m.posterior = {nan, nan, nan, nan, nan, nan, nan};
}

metric_result metric(const experiment::sample& baseline, const experiment::sample& arm,
                     bool cuped, const report_options& o) {
  metric_result m;
  m.cuped = cuped;
  m.sequential = o.sequential;
  m.bayesian = o.bayesian;
  if (baseline.n < min_tested_customers || arm.n < min_tested_customers) {
    untested(m);
    return m;
  }
  m.tested = true;
  experiment::effect e;
  if (cuped) {
    auto c = experiment::cuped_effect(baseline, arm);
    m.theta = c.theta;
    m.variance_reduction = c.variance_reduction;
    e = c.adjusted;
  } else {
    e = experiment::estimate_effect(baseline, arm);
  }
  m.baseline_mean = e.baseline_mean;
  m.mean = e.mean;
  m.lift_abs = e.diff;
  m.lift_rel = e.rel;
  m.fixed = experiment::welch_test(e, o.confidence);
  if (o.sequential)
    m.always_valid = experiment::sequential_test(e, o.confidence, o.tuning);
  if (o.bayesian)
    m.posterior = experiment::bayesian_test(e, o.prior_sd, o.confidence);
  return m;
}

comparison compare(const arm_result& baseline, const arm_result& arm, bool cuped,
                   const report_options& o) {
  comparison c;
  c.against = baseline.name;
  c.conversion = metric(conversion_sample(baseline), conversion_sample(arm), cuped, o);
  c.revenue = metric(revenue_sample(baseline), revenue_sample(arm), cuped, o);
  return c;
}

void check(const arm_result& a) {
  if (a.conversions > a.exposed())
    throw std::invalid_argument("arm '" + a.name + "': " + std::to_string(a.conversions) +
                                " conversions over " + std::to_string(a.exposed()) +
                                " customers");
}

void compute_group(report_group& g, bool cuped, const report_options& o) {
  std::vector<uint64_t> audiences;
  std::vector<double> weights;
  check(g.global_holdout);
  for (auto& r : g.arms) {
    check(r);
    r.rate = r.exposed() == 0
                 ? 0.0
                 : static_cast<double>(r.conversions) / static_cast<double>(r.exposed());
    audiences.push_back(r.audience);
    weights.push_back(r.weight);
  }
  auto& gh = g.global_holdout;
  gh.rate = gh.exposed() == 0
                ? 0.0
                : static_cast<double>(gh.conversions) / static_cast<double>(gh.exposed());
  gh.lift_abs = gh.lift_rel = gh.z = gh.p_value = gh.ci_low = gh.ci_high = nan;
  for (std::size_t i = 0; i < g.arms.size(); ++i) {
    auto& r = g.arms[i];
    r.lift_abs = r.lift_rel = r.z = r.p_value = r.ci_low = r.ci_high = nan;
    r.tested = false;
    r.comparisons.clear();
    const auto& control = g.arms[0];
    if (i > 0 && control.exposed() >= min_tested_customers &&
        r.exposed() >= min_tested_customers) {
      auto c = experiment::compare_proportions(control.conversions, control.exposed(),
                                               r.conversions, r.exposed());
      r.tested = true;
      r.lift_abs = c.lift_abs;
      r.lift_rel = c.lift_rel;
      r.z = c.z;
      r.p_value = c.p_value;
      r.ci_low = c.ci_low;
      r.ci_high = c.ci_high;
    }
    if (r.holdout)
      continue; // a baseline, not a treatment
    for (std::size_t b = 0; b < g.arms.size(); ++b)
      if (b != i && (b == 0 || g.arms[b].holdout))
        r.comparisons.push_back(compare(g.arms[b], r, cuped, o));
    if (gh.held > 0)
      r.comparisons.push_back(compare(gh, r, cuped, o));
  }
  g.srm_p_value = srm_p_value(audiences, weights);
}

} // namespace

double srm_p_value(const std::vector<uint64_t>& audiences,
                   const std::vector<double>& weights) {
  if (audiences.size() < 2 || audiences.size() != weights.size())
    return nan;
  for (auto n : audiences)
    if (n < min_tested_customers)
      return nan;
  return experiment::sample_ratio_p_value(audiences, weights);
}

void compute_statistics(campaign_report& r, const report_options& options) {
  if (!(options.prior_sd >= 0) || !(options.confidence > 0 && options.confidence < 1) ||
      !(options.tuning > 0))
    throw std::invalid_argument("report options: prior_sd >= 0, confidence in (0,1) and "
                                "tuning > 0");
  for (auto& g : r.groups)
    compute_group(g, !r.cuped.empty(), options);
}

} // namespace troupe::campaign
