#include "shell/report_format.hpp"

#include <cmath>
#include <iomanip>
#include <sstream>

namespace troupe::shell {

namespace {

using json = nlohmann::json;

json number(double x) { return std::isfinite(x) ? json(x) : json(nullptr); }

json arm_to_json(const campaign::arm_result& a) {
  return json{{"name", a.name},
              {"weight", a.weight},
              {"control", a.control},
              {"audience", a.audience},
              {"delivered", a.delivered},
              {"blocked", a.blocked},
              {"failed", a.failed},
              {"conversions", a.conversions},
              {"rate", number(a.rate)},
              {"lift_abs", number(a.lift_abs)},
              {"lift_rel", number(a.lift_rel)},
              {"z", number(a.z)},
              {"p_value", number(a.p_value)},
              {"ci_low", number(a.ci_low)},
              {"ci_high", number(a.ci_high)}};
}

json group_to_json(const campaign::report_group& g) {
  auto arms = json::array();
  for (const auto& a : g.arms)
    arms.push_back(arm_to_json(a));
  return json{{"arms", arms}, {"srm_p_value", number(g.srm_p_value)}};
}

std::string fixed(double x, int digits) {
  if (!std::isfinite(x))
    return "-";
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << x;
  return s.str();
}

std::string percent(double x) { return std::isfinite(x) ? fixed(100 * x, 2) + "%" : "-"; }

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

void table(std::ostringstream& out, const campaign::report_group& g) {
  out << std::left << std::setw(12) << "arm" << std::right << std::setw(10) << "audience"
      << std::setw(11) << "delivered" << std::setw(9) << "blocked" << std::setw(8) << "conv"
      << std::setw(9) << "rate" << std::setw(10) << "lift" << std::setw(9) << "lift%"
      << std::setw(8) << "z" << std::setw(10) << "p" << "  95% CI of the difference\n";
  for (const auto& a : g.arms) {
    out << std::left << std::setw(12) << a.name << std::right << std::setw(10) << a.audience
        << std::setw(11) << a.delivered << std::setw(9) << a.blocked << std::setw(8)
        << a.conversions << std::setw(9) << percent(a.rate);
    if (a.control) {
      out << std::setw(10) << "control" << "\n";
      continue;
    }
    out << std::setw(10) << percent(a.lift_abs) << std::setw(9) << percent(a.lift_rel)
        << std::setw(8) << fixed(a.z, 2) << std::setw(10) << p_text(a.p_value) << "  ["
        << percent(a.ci_low) << ", " << percent(a.ci_high) << "]\n";
  }
  out << "sample ratio check: p = " << p_text(g.srm_p_value)
      << (g.srm_p_value < 0.001 ? "  MISMATCH: the audiences do not follow the weights\n"
                                : "  (audiences follow the weights)\n");
}

} // namespace

json report_to_json(const campaign::campaign_report& r) {
  json j{{"campaign_id", r.campaign_id},
         {"state", r.state},
         {"conversion_events", r.events},
         {"unmatched_converters", r.unmatched_events}};
  if (!r.groups.empty()) {
    auto all = group_to_json(r.groups.front());
    j["arms"] = all["arms"];
    j["srm_p_value"] = all["srm_p_value"];
  }
  if (!r.by.empty()) {
    j["by"] = r.by;
    auto groups = json::array();
    for (std::size_t i = 1; i < r.groups.size(); ++i) {
      auto g = group_to_json(r.groups[i]);
      g["value"] = r.groups[i].value;
      groups.push_back(std::move(g));
    }
    j["groups"] = groups;
  }
  return j;
}

std::string report_to_text(const campaign::campaign_report& r) {
  std::ostringstream out;
  out << "campaign " << r.campaign_id << " (" << r.state << "): rate = conversions / delivered, "
      << "compared with the first arm (two-proportion z test)\n";
  if (!r.groups.empty())
    table(out, r.groups.front());
  out << r.events << " conversion events";
  if (r.unmatched_events > 0)
    out << "; " << r.unmatched_events
        << " converting customers were never delivered to and are not counted";
  out << "\n";
  for (std::size_t i = 1; i < r.groups.size(); ++i) {
    out << "\n" << r.by << " = " << r.groups[i].value << "\n";
    table(out, r.groups[i]);
  }
  return out.str();
}

} // namespace troupe::shell
