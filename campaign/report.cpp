#include "campaign/report.hpp"

#include <cmath>
#include <initializer_list>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>

#include "actors/actor_error.hpp"
#include "campaign/arm_assignment.hpp"
#include "campaign/lifecycle.hpp"
#include "experiment/statistics.hpp"
#include "storage/audit_log.hpp"
#include "storage/campaign_records.hpp"
#include "storage/customer_records.hpp"
#include "storage/event_records.hpp"
#include "storage/outcome_records.hpp"

namespace troupe::campaign {

namespace {

error bad_request(std::string why) {
  return error{error_domain::actors, static_cast<int>(actors::actors_errc::bad_request),
               std::move(why), false};
}

const std::set<std::string>& typed_fields() {
  static const std::set<std::string> names{"region", "device", "marketing_opt_in",
                                           "order_count", "last_order_date", "first_name",
                                           "email", "categories"};
  return names;
}

/// The text of `field` of `c` ("(null)" when absent).
std::string field_text(const v1::Customer& c, const std::string& field) {
  if (field == "region")
    return c.has_region() ? c.region() : "(null)";
  if (field == "device")
    return c.has_device() ? c.device() : "(null)";
  if (field == "marketing_opt_in")
    return c.has_marketing_opt_in() ? (c.marketing_opt_in() ? "true" : "false") : "(null)";
  if (field == "order_count")
    return c.has_order_count() ? std::to_string(c.order_count()) : "(null)";
  if (field == "last_order_date")
    return c.has_last_order_date() ? c.last_order_date() : "(null)";
  if (field == "first_name")
    return c.has_first_name() ? c.first_name() : "(null)";
  if (field == "email")
    return c.has_email() ? c.email() : "(null)";
  if (field == "categories") {
    std::string all;
    for (const auto& x : c.categories())
      all += (all.empty() ? "" : ",") + x;
    return all.empty() ? "(null)" : all;
  }
  auto it = c.attributes().find(field);
  if (it == c.attributes().end())
    return "(null)";
  const auto& v = it->second;
  switch (v.kind_case()) {
    case v1::AttributeValue::kText: return v.text();
    case v1::AttributeValue::kFlag: return v.flag() ? "true" : "false";
    case v1::AttributeValue::kNumber: {
      auto n = v.number();
      return n == std::floor(n) && std::fabs(n) < 1e15 ? std::to_string(static_cast<int64_t>(n))
                                                      : std::to_string(n);
    }
    default: return "(list)";
  }
}

struct tally {
  uint64_t delivered = 0, blocked = 0, failed = 0, conversions = 0;
};

/// Counts by group value, then by arm name.
using tallies = std::map<std::string, std::map<std::string, tally>>;

report_group group_of(const std::string& value, const std::map<std::string, tally>& by_arm,
                      const v1::CampaignSpec& spec) {
  report_group g;
  g.value = value;
  for (const auto& arm : spec.arms()) {
    arm_result r;
    r.name = arm.name();
    r.weight = arm.weight();
    if (auto it = by_arm.find(arm.name()); it != by_arm.end()) {
      r.delivered = it->second.delivered;
      r.blocked = it->second.blocked;
      r.failed = it->second.failed;
      r.conversions = it->second.conversions;
    }
    r.audience = r.delivered + r.blocked + r.failed;
    g.arms.push_back(std::move(r));
  }
  if (!g.arms.empty())
    g.arms.front().control = true;
  return g;
}

void compute_group(report_group& g) {
  std::vector<uint64_t> audiences;
  std::vector<double> weights;
  for (auto& r : g.arms) {
    r.rate = r.delivered == 0 ? 0.0 : static_cast<double>(r.conversions)
                                        / static_cast<double>(r.delivered);
    audiences.push_back(r.audience);
    weights.push_back(r.weight);
  }
  const auto nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t i = 0; i < g.arms.size(); ++i) {
    auto& r = g.arms[i];
    if (i == 0) {
      r.lift_abs = r.lift_rel = r.z = r.p_value = r.ci_low = r.ci_high = nan;
      continue;
    }
    auto c = experiment::compare_proportions(g.arms[0].conversions, g.arms[0].delivered,
                                             r.conversions, r.delivered);
    r.lift_abs = c.lift_abs;
    r.lift_rel = c.lift_rel;
    r.z = c.z;
    r.p_value = c.p_value;
    r.ci_low = c.ci_low;
    r.ci_high = c.ci_high;
  }
  g.srm_p_value = experiment::sample_ratio_p_value(audiences, weights);
}

} // namespace

void compute_statistics(campaign_report& r) {
  for (auto& g : r.groups)
    compute_group(g);
}

bool is_report_field(const std::string& field) { return typed_fields().count(field) > 0; }

result<campaign_report> build_report(const storage::store& db, const std::string& id,
                                     const std::string& by, const customer_filter& mine) {
  auto is_mine = [&](const std::string& customer) { return !mine || mine(customer); };
  auto stored = storage::read_campaign(db, id);
  if (!stored)
    return stored.err();
  if (!stored->has_value())
    return bad_request("no campaign '" + id + "'");
  const auto& state = **stored;
  const auto& spec = state.spec();
  arm_assignment arms{spec.arms()};
  campaign_report report;
  report.campaign_id = id;
  report.state = to_string(state_of(state));
  report.by = by;

  // Who converted: distinct customers with a conversion event.
  std::set<std::string> converted;
  auto events = storage::scan_events(db, id, [&](const v1::Event& e) {
    if (e.type() == "conversion" && is_mine(e.customer_id())) {
      ++report.events;
      converted.insert(e.customer_id());
    }
    return true;
  });
  if (!events)
    return events.err();

  tallies counts;
  std::string failure;
  auto group_value = [&](const std::string& customer_id) -> std::string {
    if (by.empty())
      return {};
    auto c = storage::read_customer(db, customer_id);
    if (!c) {
      failure = c.err().message();
      return {};
    }
    return c->has_value() ? field_text(**c, by) : "(gone)";
  };
  /// Counts `what` for `arm` overall and in the customer's group.
  auto count = [&](const std::string& customer_id, const std::string& arm,
                   std::initializer_list<uint64_t tally::*> what) {
    auto group = by.empty() ? std::string{} : group_value(customer_id);
    for (auto field : what) {
      ++(counts[""][arm].*field);
      if (!by.empty())
        ++(counts[group][arm].*field);
    }
  };
  std::set<std::string> delivered_ids;
  auto delivered = storage::scan_deliveries(
    db, id, "", [&](std::string_view, const v1::Delivery& d) {
      if (!is_mine(d.customer_id()))
        return true;
      delivered_ids.insert(d.customer_id());
      if (converted.count(d.customer_id()) > 0)
        count(d.customer_id(), d.arm(), {&tally::delivered, &tally::conversions});
      else
        count(d.customer_id(), d.arm(), {&tally::delivered});
      return failure.empty();
    });
  if (!delivered)
    return delivered.err();
  for (const auto& who : converted)
    report.unmatched_events += delivered_ids.count(who) == 0 ? 1 : 0;
  auto failed = storage::scan_dead_letters(
    db, id, "", [&](std::string_view, const v1::DeadLetter& d) {
      if (!is_mine(d.customer_id()))
        return true;
      count(d.customer_id(), arms.arm_of(id, d.customer_id()), {&tally::failed});
      return failure.empty();
    });
  if (!failed)
    return failed.err();
  // Blocked customers are known from their audited safety decisions.
  auto blocked = storage::scan_audit(
    db, [&](const v1::AuditRecord& r) {
      if (r.kind() == "safety_block" && r.campaign_id() == id && is_mine(r.customer_id()))
        count(r.customer_id(), arms.arm_of(id, r.customer_id()), {&tally::blocked});
      return failure.empty();
    });
  if (!blocked)
    return blocked.err();
  if (!failure.empty())
    return bad_request("cannot read a customer: " + failure);
  if (!by.empty() && !is_report_field(by)) {
    bool any = false;
    for (const auto& [value, by_arm] : counts)
      any = any || (!value.empty() && value != "(null)" && value != "(gone)");
    if (!any && !counts[""].empty())
      return bad_request("no customer of the campaign has a field '" + by
                         + "' (fields: region, device, marketing_opt_in, order_count, "
                           "last_order_date, first_name, email, categories, or an extra "
                           "attribute)");
  }
  try {
    report.groups.push_back(group_of("", counts[""], spec));
    for (const auto& [value, by_arm] : counts)
      if (!by.empty() && !value.empty())
        report.groups.push_back(group_of(value, by_arm, spec));
    compute_statistics(report);
  } catch (const std::exception& e) {
    return bad_request(std::string{"cannot compute the statistics: "} + e.what());
  }
  return report;
}

} // namespace troupe::campaign
