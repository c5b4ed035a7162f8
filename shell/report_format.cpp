#include "shell/report_format.hpp"

#include <cmath>
#include <iomanip>
#include <sstream>

#include "campaign/report_statistics.hpp"

namespace troupe::shell {

namespace {

using json = nlohmann::json;
using campaign::arm_result;
using campaign::metric_result;

json number(double x) { return std::isfinite(x) ? json(x) : json(nullptr); }

/// "7d", "36h", "90m": the largest whole unit.
std::string duration_text(int64_t ms) {
  const std::pair<int64_t, const char*> units[] = {
    {86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1000, "s"}};
  for (const auto& [size, unit] : units)
    if (ms >= size && ms % size == 0)
      return std::to_string(ms / size) + unit;
  return std::to_string(ms) + "ms";
}

json metric_to_json(const metric_result& m) {
  json j{{"tested", m.tested},
         {"baseline_mean", number(m.baseline_mean)},
         {"mean", number(m.mean)},
         {"lift_abs", number(m.lift_abs)},
         {"lift_rel", number(m.lift_rel)},
         {"t", number(m.fixed.t)},
         {"df", number(m.fixed.df)},
         {"p_value", number(m.fixed.p_value)},
         {"ci_low", number(m.fixed.ci_low)},
         {"ci_high", number(m.fixed.ci_high)},
         {"rel_ci_low", number(m.fixed.rel_ci_low)},
         {"rel_ci_high", number(m.fixed.rel_ci_high)}};
  if (m.cuped)
    j["cuped"] = {{"theta", number(m.theta)},
                  {"variance_reduction", number(m.variance_reduction)}};
  if (m.sequential)
    j["sequential"] = {{"p_value", number(m.always_valid.p_value)},
                       {"ci_low", number(m.always_valid.ci_low)},
                       {"ci_high", number(m.always_valid.ci_high)},
                       {"rel_ci_low", number(m.always_valid.rel_ci_low)},
                       {"rel_ci_high", number(m.always_valid.rel_ci_high)}};
  if (m.bayesian)
    j["bayesian"] = {{"chance_to_win", number(m.posterior.chance_to_win)},
                     {"expected_loss", number(m.posterior.risk)},
                     {"expected_loss_baseline", number(m.posterior.risk_baseline)},
                     {"ci_low", number(m.posterior.ci_low)},
                     {"ci_high", number(m.posterior.ci_high)}};
  return j;
}

double per_customer(const arm_result& a) {
  return a.exposed() == 0 ? 0.0 : a.revenue / static_cast<double>(a.exposed());
}

json arm_to_json(const arm_result& a, bool cuped) {
  json j{{"name", a.name},
         {"weight", a.weight},
         {"control", a.control},
         {"holdout", a.holdout},
         {"audience", a.audience},
         {"delivered", a.delivered},
         {"blocked", a.blocked},
         {"failed", a.failed},
         {"held", a.held},
         {"conversions", a.conversions},
         {"outside_window", a.outside_window},
         {"rate", number(a.rate)},
         {"revenue", number(a.revenue)},
         {"revenue_per_customer", number(per_customer(a))},
         {"tested", a.tested},
         {"lift_abs", number(a.lift_abs)},
         {"lift_rel", number(a.lift_rel)},
         {"z", number(a.z)},
         {"p_value", number(a.p_value)},
         {"ci_low", number(a.ci_low)},
         {"ci_high", number(a.ci_high)}};
  if (cuped)
    j["covariate_missing"] = a.x_missing;
  auto comparisons = json::array();
  for (const auto& c : a.comparisons)
    comparisons.push_back({{"against", c.against},
                           {"conversion", metric_to_json(c.conversion)},
                           {"revenue", metric_to_json(c.revenue)}});
  j["comparisons"] = std::move(comparisons);
  return j;
}

json group_to_json(const campaign::report_group& g, bool cuped) {
  auto arms = json::array();
  for (const auto& a : g.arms)
    arms.push_back(arm_to_json(a, cuped));
  json j{{"arms", arms},
         {"srm_p_value", number(g.srm_p_value)},
         {"srm_mismatch", g.srm_p_value < campaign::srm_threshold}};
  if (g.global_holdout.held > 0) {
    auto h = arm_to_json(g.global_holdout, cuped);
    for (const char* k : {"lift_abs", "lift_rel", "z", "p_value", "ci_low", "ci_high",
                          "tested", "comparisons", "control", "weight"})
      h.erase(k);
    j["global_holdout"] = std::move(h);
  } else {
    j["global_holdout"] = nullptr;
  }
  return j;
}

std::string fixed(double x, int digits, bool sign = false) {
  if (!std::isfinite(x))
    return "-";
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << (sign ? std::showpos : std::noshowpos) << x;
  return s.str();
}

std::string percent(double x, bool sign = false) {
  return std::isfinite(x) ? fixed(100 * x, 2, sign) + "%" : "-";
}

std::string p_text(double p) {
  if (!std::isfinite(p))
    return "-";
  if (p < 1e-4) {
    std::ostringstream s;
    s << std::scientific << std::setprecision(1) << p;
    return s.str();
  }
  return fixed(p, 4);
}

std::string interval(double low, double high, bool as_percent) {
  auto f = [&](double x) { return as_percent ? percent(x, true) : fixed(x, 4, true); };
  return "[" + f(low) + ", " + f(high) + "]";
}

void table(std::ostringstream& out, const campaign::report_group& g) {
  out << std::left << std::setw(12) << "arm" << std::right << std::setw(10) << "audience"
      << std::setw(11) << "delivered" << std::setw(9) << "blocked" << std::setw(8) << "conv"
      << std::setw(9) << "rate" << std::setw(10) << "lift" << std::setw(9) << "lift%"
      << std::setw(8) << "z" << std::setw(10) << "p" << "  95% CI of the difference\n";
  for (const auto& a : g.arms) {
    out << std::left << std::setw(12) << a.name << std::right << std::setw(10) << a.audience
        << std::setw(11) << (a.holdout ? "held " + std::to_string(a.held)
                                        : std::to_string(a.delivered))
        << std::setw(9) << a.blocked << std::setw(8) << a.conversions << std::setw(9)
        << percent(a.rate);
    if (a.control) {
      out << std::setw(10) << "control" << "\n";
      continue;
    }
    if (!a.tested) {
      out << "  (not tested: fewer than " << campaign::min_tested_customers
          << " customers)\n";
      continue;
    }
    out << std::setw(10) << percent(a.lift_abs) << std::setw(9) << percent(a.lift_rel)
        << std::setw(8) << fixed(a.z, 2) << std::setw(10) << p_text(a.p_value) << "  ["
        << percent(a.ci_low) << ", " << percent(a.ci_high) << "]\n";
  }
  const auto& h = g.global_holdout;
  if (h.held > 0)
    out << "global holdout: " << h.held << " held, " << h.conversions << " converted ("
        << percent(h.rate) << ")\n";
  out << "sample ratio check: p = " << p_text(g.srm_p_value);
  if (!std::isfinite(g.srm_p_value))
    out << "  (not checked: an arm has fewer than " << campaign::min_tested_customers
        << " customers)\n";
  else if (g.srm_p_value < campaign::srm_threshold)
    out << "  MISMATCH: the audiences do not follow the weights\n";
  else
    out << "  (audiences follow the weights)\n";
}

void metric_lines(std::ostringstream& out, const char* name, const metric_result& m,
                  bool as_percent) {
  auto value = [&](double x) { return as_percent ? percent(x) : fixed(x, 4); };
  auto lift = [&](double x) { return as_percent ? percent(x, true) : fixed(x, 4, true); };
  out << "    " << std::left << std::setw(11) << name << std::right;
  if (!m.tested) {
    out << "not tested: fewer than " << campaign::min_tested_customers << " customers\n";
    return;
  }
  out << value(m.baseline_mean) << " -> " << value(m.mean) << "  lift " << lift(m.lift_abs)
      << " (" << percent(m.lift_rel, true) << ")  p " << p_text(m.fixed.p_value) << "  CI "
      << interval(m.fixed.ci_low, m.fixed.ci_high, as_percent) << ", relative "
      << interval(m.fixed.rel_ci_low, m.fixed.rel_ci_high, true) << "\n";
  const std::string pad(15, ' ');
  if (m.cuped)
    out << pad << "CUPED: theta " << fixed(m.theta, 4) << ", variance reduced by "
        << percent(m.variance_reduction) << "\n";
  if (m.sequential)
    out << pad << "sequential: p " << p_text(m.always_valid.p_value) << "  CI "
        << interval(m.always_valid.ci_low, m.always_valid.ci_high, as_percent)
        << ", relative "
        << interval(m.always_valid.rel_ci_low, m.always_valid.rel_ci_high, true) << "\n";
  if (m.bayesian)
    out << pad << "bayesian: chance to win " << percent(m.posterior.chance_to_win)
        << "  expected loss " << percent(m.posterior.risk) << "  credible "
        << interval(m.posterior.ci_low, m.posterior.ci_high, true) << " (relative)\n";
}

void comparisons(std::ostringstream& out, const campaign::report_group& g) {
  for (const auto& a : g.arms)
    for (const auto& c : a.comparisons) {
      out << "  " << a.name << " vs " << c.against << "\n";
      metric_lines(out, "conversion", c.conversion, true);
      metric_lines(out, "revenue", c.revenue, false);
    }
}

} // namespace

json report_to_json(const campaign::campaign_report& r) {
  bool cuped = !r.cuped.empty();
  json j{{"campaign_id", r.campaign_id},
         {"state", r.state},
         {"attribution_window_ms", r.attribution_window_ms},
         {"cuped", cuped ? json(r.cuped) : json(nullptr)},
         {"conversion_events", r.events},
         {"unmatched_converters", r.unmatched_events}};
  if (!r.groups.empty()) {
    auto all = group_to_json(r.groups.front(), cuped);
    for (auto it = all.begin(); it != all.end(); ++it)
      j[it.key()] = it.value();
  }
  if (!r.by.empty()) {
    j["by"] = r.by;
    auto groups = json::array();
    for (std::size_t i = 1; i < r.groups.size(); ++i) {
      auto g = group_to_json(r.groups[i], cuped);
      g["value"] = r.groups[i].value;
      groups.push_back(std::move(g));
    }
    j["groups"] = groups;
  }
  return j;
}

std::string report_to_text(const campaign::campaign_report& r) {
  std::ostringstream out;
  out << "campaign " << r.campaign_id << " (" << r.state << "): a conversion counts within "
      << duration_text(r.attribution_window_ms)
      << " of the message (or hold); rate = conversions / delivered (held for a holdout "
         "arm), compared with the first arm (two-proportion z test)\n";
  uint64_t outside = 0;
  if (!r.groups.empty()) {
    table(out, r.groups.front());
    for (const auto& a : r.groups.front().arms)
      outside += a.outside_window;
    outside += r.groups.front().global_holdout.outside_window;
    bool any = false;
    for (const auto& a : r.groups.front().arms)
      any = any || !a.comparisons.empty();
    if (any) {
      out << "comparisons (Welch t test, relative lift by the delta method"
          << (r.cuped.empty() ? "" : "; CUPED by " + r.cuped) << "):\n";
      comparisons(out, r.groups.front());
    }
  }
  out << r.events << " conversion events";
  if (outside > 0)
    out << "; " << outside << " outside the attribution window";
  if (r.unmatched_events > 0)
    out << "; " << r.unmatched_events
        << " converting customers were never sent to nor held and are not counted";
  out << "\n";
  for (std::size_t i = 1; i < r.groups.size(); ++i) {
    out << "\n" << r.by << " = " << r.groups[i].value << "\n";
    table(out, r.groups[i]);
  }
  return out.str();
}

} // namespace troupe::shell
