#include "campaign/report.hpp"

#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include "actors/actor_error.hpp"
#include "campaign/arm_assignment.hpp"
#include "campaign/lifecycle.hpp"
#include "campaign/spec.hpp"
#include "storage/audit_log.hpp"
#include "storage/campaign_records.hpp"
#include "storage/customer_records.hpp"
#include "storage/event_records.hpp"
#include "storage/json_codec.hpp"
#include "storage/outcome_records.hpp"

namespace troupe::campaign {

namespace {

error bad_request(std::string why) {
  return error{error_domain::actors, static_cast<int>(actors::actors_errc::bad_request),
               std::move(why), false};
}

const std::set<std::string>& typed_fields() {
  static const std::set<std::string> names{"region",          "device",
                                           "marketing_opt_in", "order_count",
                                           "total_order_value", "engagement",
                                           "last_order_date",  "first_name",
                                           "email",            "categories"};
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
  if (field == "total_order_value")
    return c.has_total_order_value() ? std::to_string(c.total_order_value()) : "(null)";
  if (field == "engagement")
    return c.has_engagement() ? std::to_string(c.engagement()) : "(null)";
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
    case v1::AttributeValue::kText: return v.text().empty() ? "(empty)" : v.text();
    case v1::AttributeValue::kFlag: return v.flag() ? "true" : "false";
    case v1::AttributeValue::kNumber: {
      auto n = v.number();
      return n == std::floor(n) && std::fabs(n) < 1e15 ? std::to_string(static_cast<int64_t>(n))
                                                      : std::to_string(n);
    }
    default: return "(list)";
  }
}

/// The --cuped covariate of a customer: a number, nullopt when missing;
/// an error when the field holds something else.
result<std::optional<double>> covariate_of(const v1::Customer& c, const std::string& field) {
  if (field == "order_count")
    return c.has_order_count() ? std::optional<double>{static_cast<double>(c.order_count())}
                               : std::nullopt;
  if (field == "total_order_value")
    return c.has_total_order_value() ? std::optional<double>{c.total_order_value()}
                                     : std::nullopt;
  if (field == "engagement")
    return c.has_engagement() ? std::optional<double>{c.engagement()} : std::nullopt;
  auto it = c.attributes().find(field);
  if (it == c.attributes().end())
    return std::optional<double>{};
  if (it->second.kind_case() != v1::AttributeValue::kNumber)
    return bad_request("--cuped " + field + ": customer '" + c.id()
                       + "' has a value that is not a number");
  auto x = it->second.number();
  // Bounded like the typed amounts: its square and sums stay finite (CAF
  // cannot carry an infinity).
  if (!(std::fabs(x) <= storage::max_customer_amount))
    return bad_request("--cuped " + field + ": customer '" + c.id() + "' has "
                       + std::to_string(x) + ", beyond +-1e15");
  return std::optional<double>{x};
}

struct conversion {
  int64_t ts_ms = 0;
  double value = 0;
};

/// Sums by group value, then by arm name ("" in `global`: the global holdout).
struct tallies {
  std::map<std::string, std::map<std::string, arm_result>> arms;
  std::map<std::string, arm_result> global;
};

report_group group_of(const std::string& value, tallies& t, const v1::CampaignSpec& spec) {
  report_group g;
  g.value = value;
  auto& by_arm = t.arms[value];
  for (const auto& arm : spec.arms()) {
    arm_result r = by_arm[arm.name()];
    r.name = arm.name();
    r.weight = arm.weight();
    r.holdout = arm.holdout();
    r.audience = r.delivered + r.blocked + r.failed + r.held;
    g.arms.push_back(std::move(r));
  }
  if (!g.arms.empty())
    g.arms.front().control = true;
  g.global_holdout = t.global[value];
  g.global_holdout.name = "global holdout";
  g.global_holdout.holdout = true;
  g.global_holdout.audience = g.global_holdout.held;
  return g;
}

} // namespace

bool is_report_field(const std::string& field) { return typed_fields().count(field) > 0; }

namespace {

bool finite_sums(const report_group& g) {
  auto finite = [](const arm_result& a) {
    return std::isfinite(a.revenue) && std::isfinite(a.revenue_sq) && std::isfinite(a.x_sum)
           && std::isfinite(a.x_sq) && std::isfinite(a.x_conversion)
           && std::isfinite(a.x_revenue);
  };
  bool all = finite(g.global_holdout);
  for (const auto& a : g.arms)
    all = all && finite(a);
  return all;
}

void add_sums(arm_result& to, const arm_result& x) {
  to.audience += x.audience;
  to.delivered += x.delivered;
  to.blocked += x.blocked;
  to.failed += x.failed;
  to.held += x.held;
  to.conversions += x.conversions;
  to.outside_window += x.outside_window;
  to.revenue += x.revenue;
  to.revenue_sq += x.revenue_sq;
  to.x_sum += x.x_sum;
  to.x_sq += x.x_sq;
  to.x_conversion += x.x_conversion;
  to.x_revenue += x.x_revenue;
  to.x_missing += x.x_missing;
}

} // namespace

status check_fields(const campaign_report& r) {
  if (!r.customers)
    return status::success();
  if (!r.by.empty() && !is_report_field(r.by) && !r.field_seen)
    return bad_request("no customer of the campaign has a field '" + r.by
                       + "' (fields: region, device, marketing_opt_in, order_count, "
                         "total_order_value, engagement, last_order_date, first_name, email, "
                         "categories, or an extra attribute)");
  if (!r.cuped.empty() && !r.covariate_seen)
    return bad_request("--cuped " + r.cuped + ": no customer of the campaign has that field");
  return status::success();
}

result<campaign_report> merge_reports(const std::vector<campaign_report>& parts) {
  if (parts.empty())
    return bad_request("no report to merge");
  campaign_report out = parts.front();
  out.groups.clear();
  out.events = out.unmatched_events = 0;
  out.customers = out.field_seen = out.covariate_seen = false;
  std::map<std::string, report_group> groups; // by value; "" first
  for (const auto& part : parts) {
    if (part.campaign_id != out.campaign_id || part.by != out.by || part.cuped != out.cuped
        || part.attribution_window_ms != out.attribution_window_ms)
      return bad_request("members reported on different campaigns or fields");
    if (part.state != out.state)
      out.state = "running"; // some members are done, others not
    out.events += part.events;
    out.customers = out.customers || part.customers;
    out.field_seen = out.field_seen || part.field_seen;
    out.covariate_seen = out.covariate_seen || part.covariate_seen;
    out.unmatched_events += part.unmatched_events;
    for (const auto& g : part.groups) {
      auto [it, first] = groups.emplace(g.value, g);
      if (first)
        continue;
      auto& to = it->second;
      if (to.arms.size() != g.arms.size())
        return bad_request("members reported different arms for campaign '"
                           + out.campaign_id + "'");
      for (std::size_t i = 0; i < g.arms.size(); ++i) {
        if (to.arms[i].name != g.arms[i].name || to.arms[i].weight != g.arms[i].weight
            || to.arms[i].holdout != g.arms[i].holdout)
          return bad_request("members reported different arms for campaign '"
                             + out.campaign_id + "'");
        add_sums(to.arms[i], g.arms[i]);
      }
      add_sums(to.global_holdout, g.global_holdout);
    }
  }
  for (auto& [value, g] : groups) {
    if (!finite_sums(g))
      return bad_request("the report's sums are not finite numbers");
    out.groups.push_back(std::move(g)); // std::map: "" (all customers) first
  }
  if (auto st = check_fields(out); !st)
    return st.err();
  return out;
}

result<campaign_report> build_report(const storage::store& db, const std::string& id,
                                     const report_query& query, const customer_filter& mine) {
  auto is_mine = [&](const std::string& customer) { return !mine || mine(customer); };
  const auto& by = query.by;
  const auto& cuped = query.cuped;
  for (const auto* name : {&by, &cuped}) {
    bool plain = name->size() <= max_report_field_bytes;
    for (unsigned char ch : *name)
      plain = plain && ch >= 0x20 && ch != 0x7f;
    if (!plain)
      return bad_request("a report field is at most " + std::to_string(max_report_field_bytes)
                         + " bytes without control characters");
  }
  if (!cuped.empty() && cuped != "order_count" && cuped != "total_order_value"
      && cuped != "engagement" && is_report_field(cuped))
    return bad_request("--cuped " + cuped + ": not a number field (total_order_value, "
                       "order_count, engagement or a number attribute)");
  auto stored = storage::read_campaign(db, id);
  if (!stored)
    return stored.err();
  if (!stored->has_value())
    return bad_request("no campaign '" + id + "'");
  const auto& state = **stored;
  const auto& spec = state.spec();
  arm_assignment arms{spec.arms()};
  const int64_t window = attribution_window_of(spec);
  campaign_report report;
  report.campaign_id = id;
  report.state = to_string(state_of(state));
  report.by = by;
  report.cuped = cuped;
  report.attribution_window_ms = window;

  // Every conversion of the campaign, by customer.
  std::map<std::string, std::vector<conversion>> conversions;
  auto events = storage::scan_events(db, id, [&](const v1::Event& e) {
    if (e.type() == "conversion" && is_mine(e.customer_id())) {
      ++report.events;
      conversions[e.customer_id()].push_back({e.ts_ms(), e.has_value() ? e.value() : 0.0});
    }
    return true;
  });
  if (!events)
    return events.err();

  tallies counts;
  std::string failure, refusal; // the store's; the request's
  bool field_seen = false, covariate_seen = false;
  /// Adds one customer to `pick(group)` for all customers and its group.
  auto add = [&](const std::string& customer_id,
                 const std::function<void(arm_result&)>& what,
                 const std::function<arm_result&(const std::string& group)>& pick) {
    std::optional<v1::Customer> record;
    if (!by.empty()) {
      auto c = storage::read_customer(db, customer_id);
      if (!c) {
        failure = c.err().message();
        return;
      }
      record = std::move(*c);
    }
    std::string group;
    if (!by.empty()) {
      group = record ? field_text(*record, by) : "(gone)";
      field_seen = field_seen || (group != "(null)" && group != "(gone)");
    }
    what(pick(""));
    if (!by.empty())
      what(pick(group));
  };
  auto arm_tally = [&](const std::string& arm) {
    return [&counts, arm](const std::string& group) -> arm_result& {
      return counts.arms[group][arm];
    };
  };
  /// A customer sent the message (or held) at `times`: its conversions in
  /// the window, its revenue and covariate.
  auto exposed = [&](const std::string& customer_id, const std::vector<int64_t>& times,
                     const std::function<arm_result&(const std::string&)>& pick,
                     bool delivered) {
    bool converted = false;
    double revenue = 0;
    uint64_t outside = 0;
    if (auto it = conversions.find(customer_id); it != conversions.end()) {
      for (const auto& c : it->second) {
        bool in = false;
        for (auto t : times)
          in = in || (c.ts_ms >= t && c.ts_ms - t <= window);
        converted = converted || in;
        revenue += in ? c.value : 0;
        outside += in ? 0 : 1;
      }
      conversions.erase(it); // matched: not an unmatched converter
    }
    std::optional<double> x;
    if (!cuped.empty()) {
      auto c = storage::read_customer(db, customer_id);
      if (!c) {
        failure = c.err().message();
        return;
      }
      if (c->has_value()) {
        auto v = covariate_of(**c, cuped);
        if (!v) {
          refusal = v.err().message();
          return;
        }
        x = *v;
      }
      covariate_seen = covariate_seen || x.has_value();
    }
    add(customer_id, [&](arm_result& r) {
      ++(delivered ? r.delivered : r.held);
      r.conversions += converted ? 1 : 0;
      r.outside_window += outside;
      r.revenue += revenue;
      r.revenue_sq += revenue * revenue;
      double xv = x.value_or(0);
      r.x_missing += x ? 0 : 1;
      r.x_sum += xv;
      r.x_sq += xv * xv;
      r.x_conversion += converted ? xv : 0;
      r.x_revenue += xv * revenue;
    }, pick);
  };

  // Deliveries come in customer order, a triggered campaign's entries of
  // one customer together: each customer counts once, with all its times.
  std::string current, current_arm;
  std::vector<int64_t> times;
  auto flush = [&] {
    if (!current.empty())
      exposed(current, times, arm_tally(current_arm), true);
    current.clear();
    times.clear();
  };
  auto delivered = storage::scan_deliveries(
    db, id, "", [&](std::string_view, const v1::Delivery& d) {
      if (!is_mine(d.customer_id()))
        return true;
      if (d.customer_id() != current) {
        flush();
        current = d.customer_id();
        current_arm = d.arm();
      }
      times.push_back(d.delivered_at_ms());
      return failure.empty() && refusal.empty();
    });
  if (!delivered)
    return delivered.err();
  flush();
  std::string last_failed; // a triggered campaign's entries of one customer come together
  auto failed = storage::scan_dead_letters(
    db, id, "", [&](std::string_view, const v1::DeadLetter& d) {
      if (!is_mine(d.customer_id()) || d.customer_id() == last_failed)
        return true;
      last_failed = d.customer_id();
      add(d.customer_id(), [](arm_result& r) { ++r.failed; },
          arm_tally(arms.arm_of(id, d.customer_id())));
      return failure.empty() && refusal.empty();
    });
  if (!failed)
    return failed.err();
  // Blocked and held customers are known from their audited decisions.
  std::map<std::string, std::pair<bool, std::vector<int64_t>>> held; // global?, times
  std::set<std::string> blocked_ids; // a triggered campaign's customer blocked twice counts once
  auto audited = storage::scan_audit(db, [&](const v1::AuditRecord& r) {
    if (r.campaign_id() != id || !is_mine(r.customer_id()))
      return true;
    if (r.kind() == "safety_block" && blocked_ids.insert(r.customer_id()).second)
      add(r.customer_id(), [](arm_result& a) { ++a.blocked; },
          arm_tally(arms.arm_of(id, r.customer_id())));
    else if (r.kind() == "held_out" || r.kind() == "holdout_arm") {
      auto& h = held[r.customer_id()];
      h.first = r.kind() == "held_out";
      h.second.push_back(r.ts_ms());
    }
    return failure.empty() && refusal.empty();
  });
  if (!audited)
    return audited.err();
  for (const auto& [customer, h] : held) {
    if (!failure.empty() || !refusal.empty())
      break;
    // Delivered and held (a triggered campaign's entries across a change
    // of --holdout-percent): the delivery counts, as exposure.
    auto sent = storage::has_delivery(db, id, customer);
    if (!sent)
      return sent.err();
    if (*sent)
      continue;
    if (h.first)
      exposed(customer, h.second, [&counts](const std::string& group) -> arm_result& {
        return counts.global[group];
      }, false);
    else
      exposed(customer, h.second, arm_tally(arms.arm_of(id, customer)), false);
  }
  if (!refusal.empty())
    return bad_request(refusal);
  if (!failure.empty())
    return bad_request("cannot read a customer: " + failure);
  report.unmatched_events = conversions.size();
  report.customers = !counts.arms[""].empty() || counts.global[""].held > 0;
  if (counts.arms.size() > max_report_groups + 1 || counts.global.size() > max_report_groups + 1)
    return bad_request("--by " + by + ": more than " + std::to_string(max_report_groups)
                       + " values; pick a field with fewer (region, device, ...)");
  report.field_seen = field_seen;
  report.covariate_seen = covariate_seen;
  // A member's part is checked once merged: its shards alone may lack a
  // field the others have.
  if (!mine)
    if (auto st = check_fields(report); !st)
      return st.err();
  report.groups.push_back(group_of("", counts, spec));
  if (!finite_sums(report.groups.front()))
    return bad_request("the report's sums are not finite numbers");
  std::set<std::string> values;
  for (const auto& [value, by_arm] : counts.arms)
    values.insert(value);
  for (const auto& [value, global] : counts.global)
    values.insert(value);
  for (const auto& value : values)
    if (!by.empty() && !value.empty())
      report.groups.push_back(group_of(value, counts, spec));
  return report;
}

} // namespace troupe::campaign
