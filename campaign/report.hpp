#pragma once
/// The experiment result of a campaign (`campaign report ID [--by FIELD]`),
/// read from the store: per arm the audience (the in-segment customers the
/// arm got: delivered + blocked + failed, the arm from the same stable hash
/// as at assignment), delivered, blocked, conversions (distinct delivered
/// customers with a conversion event in this campaign), rate = conversions /
/// delivered, and against the first arm (the control) the lift, the pooled
/// two-proportion z test with its two-sided p, and the 95% Wald interval of
/// the difference (experiment/statistics.hpp). `srm_p_value` checks the
/// audiences against the arms' weights (chi-square). With a field, the same
/// again for each value of that customer field.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "common/error.hpp"
#include "storage/store.hpp"

namespace troupe::campaign {

struct arm_result {
  std::string name;
  double weight = 0;
  uint64_t audience = 0;
  uint64_t delivered = 0;
  uint64_t blocked = 0;
  uint64_t failed = 0;
  uint64_t conversions = 0;
  double rate = 0;
  bool control = false;   ///< the comparison columns below are NaN for the control
  double lift_abs = 0;
  double lift_rel = 0;
  double z = 0;
  double p_value = 1;
  double ci_low = 0;
  double ci_high = 0;
};

struct report_group {
  std::string value;      ///< the --by field's value; "" for all customers
  std::vector<arm_result> arms;
  double srm_p_value = 1;
};

struct campaign_report {
  std::string campaign_id;
  std::string state;
  std::string by;                  ///< the --by field, "" if none
  std::vector<report_group> groups; ///< [0]: all customers; then one per value
  uint64_t events = 0;             ///< conversion events of the campaign
  uint64_t unmatched_events = 0;   ///< ... for customers it never delivered to
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, arm_result& x) {
  // Counts only: the statistics are computed where the report is read
  // (compute_statistics), and CAF 0.17 cannot carry NaN or infinity.
  return f(caf::meta::type_name("troupe.arm_result"), x.name, x.weight, x.audience, x.delivered,
           x.blocked, x.failed, x.conversions, x.control);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, report_group& x) {
  return f(caf::meta::type_name("troupe.report_group"), x.value, x.arms);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, campaign_report& x) {
  return f(caf::meta::type_name("troupe.campaign_report"), x.campaign_id, x.state, x.by,
           x.groups, x.events, x.unmatched_events);
}

/// The customer fields `--by` accepts besides extra attributes.
bool is_report_field(const std::string& field);

/// Fills the rates, comparisons and sample-ratio p-values of `r` from its
/// counts and weights (the first arm of each group is the control).
void compute_statistics(campaign_report& r);

/// Which customers a node reports on: those of the shards it is the
/// primary of (a replica's copies are its primary's to report). Empty: all.
using customer_filter = std::function<bool(const std::string& customer_id)>;

/// Builds the report of campaign `id` (blocking: scans its deliveries,
/// dead letters, blocked decisions and events), statistics included, over
/// the customers `mine` takes. `by` may be "".
result<campaign_report> build_report(const storage::store& db, const std::string& id,
                                     const std::string& by, const customer_filter& mine = {});

} // namespace troupe::campaign
