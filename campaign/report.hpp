#pragma once
/// The experiment result of a campaign (`campaign report ID [--by FIELD]
/// [--cuped FIELD]`), read from the store. A member sends sums per arm
/// (they add over members and groups); the statistics are computed where
/// the report is read (campaign/report_statistics.hpp).
///
/// Per arm: the audience (the in-segment customers the arm got: delivered +
/// blocked + failed, or held for a holdout arm; the arm from the same
/// stable hash as at assignment), and over the arm's exposed customers
/// (delivered, or held for a holdout arm) the conversions (distinct
/// customers with a conversion event of the campaign inside the
/// attribution window after their message or hold) and the revenue (the
/// sum of those conversions' values). Conversion events outside the
/// window count as outside_window. `global_holdout` is the same for the
/// customers the global holdout held out of the campaign.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "common/error.hpp"
#include "experiment/bayesian.hpp"
#include "experiment/sequential.hpp"
#include "experiment/welch.hpp"
#include "storage/store.hpp"

namespace troupe::campaign {

/// One metric of an arm against one baseline (report_statistics.hpp).
struct metric_result {
  bool tested = false;      ///< both arms have at least min_tested_customers
  double baseline_mean = 0; ///< CUPED-adjusted with a covariate
  double mean = 0;
  double lift_abs = 0;
  double lift_rel = 0;
  experiment::welch_result fixed; ///< fixed horizon: Welch t test
  bool cuped = false;
  double theta = 0;
  double variance_reduction = 0;
  bool sequential = false;
  experiment::sequential_result always_valid;
  bool bayesian = false;
  experiment::bayesian_result posterior;
};

struct comparison {
  std::string against; ///< a baseline arm's name, or "global holdout"
  metric_result conversion;
  metric_result revenue;
};

struct arm_result {
  std::string name;
  double weight = 0;
  bool holdout = false;   ///< a holdout arm: assigned, sent nothing
  uint64_t audience = 0;
  uint64_t delivered = 0;
  uint64_t blocked = 0;
  uint64_t failed = 0;
  uint64_t held = 0;           ///< customers a holdout arm (or the global holdout) held
  uint64_t conversions = 0;    ///< exposed customers with a conversion in the window
  uint64_t outside_window = 0; ///< conversion events of its customers outside the window
  double revenue = 0;          ///< sum over exposed customers of their attributed values
  double revenue_sq = 0;       ///< sum of each customer's revenue squared
  // The --cuped covariate x over the exposed customers (0 where missing).
  double x_sum = 0;
  double x_sq = 0;
  double x_conversion = 0; ///< sum of x over converted customers
  double x_revenue = 0;    ///< sum of x times the customer's revenue
  uint64_t x_missing = 0;  ///< exposed customers without the field
  bool control = false;    ///< the first arm; the z-test columns are NaN for it
  // Computed where read (compute_statistics):
  double rate = 0; ///< conversions / exposed
  double lift_abs = 0; ///< against the control: pooled two-proportion z test
  double lift_rel = 0;
  double z = 0;
  double p_value = 1;
  double ci_low = 0;
  double ci_high = 0;
  bool tested = false; ///< against the control
  std::vector<comparison> comparisons;

  uint64_t exposed() const { return holdout ? held : delivered; }
};

struct report_group {
  std::string value; ///< the --by field's value; "" for all customers
  std::vector<arm_result> arms;
  arm_result global_holdout; ///< held == 0: none
  double srm_p_value = 1;    ///< NaN when an arm has fewer than min_tested_customers
};

struct campaign_report {
  std::string campaign_id;
  std::string state;
  std::string by;                   ///< the --by field, "" if none
  std::string cuped;                ///< the --cuped field, "" if none
  int64_t attribution_window_ms = 0;
  std::vector<report_group> groups; ///< [0]: all customers; then one per value
  uint64_t events = 0;              ///< conversion events of the campaign
  uint64_t unmatched_events = 0;    ///< converting customers never sent to nor held
  bool customers = false;      ///< any customer sent to or held (the checks below apply)
  bool field_seen = false;     ///< a customer had the --by field
  bool covariate_seen = false; ///< a customer had the --cuped field
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, arm_result& x) {
  // Sums only: the statistics are computed where the report is read
  // (compute_statistics), and CAF 0.17 cannot carry NaN or infinity.
  return f(caf::meta::type_name("troupe.arm_result"), x.name, x.weight, x.holdout, x.audience,
           x.delivered, x.blocked, x.failed, x.held, x.conversions, x.outside_window, x.revenue,
           x.revenue_sq, x.x_sum, x.x_sq, x.x_conversion, x.x_revenue, x.x_missing, x.control);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, report_group& x) {
  return f(caf::meta::type_name("troupe.report_group"), x.value, x.arms, x.global_holdout);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, campaign_report& x) {
  return f(caf::meta::type_name("troupe.campaign_report"), x.campaign_id, x.state, x.by,
           x.cuped, x.attribution_window_ms, x.groups, x.events, x.unmatched_events, x.customers,
           x.field_seen, x.covariate_seen);
}

/// The customer fields `--by` accepts besides extra attributes.
bool is_report_field(const std::string& field);

/// Which customers a node reports on: those of the shards it is the
/// primary of (a replica's copies are its primary's to report). Empty: all.
using customer_filter = std::function<bool(const std::string& customer_id)>;

/// Limits of a report request: a --by field's distinct values (each is a
/// group on the wire), a field name's length.
inline constexpr std::size_t max_report_groups = 1000;
inline constexpr std::size_t max_report_field_bytes = 256;

/// What a report is asked for: `by` and `cuped` may be "" (none). `cuped`
/// is a numeric customer field (`order_count` or a number attribute).
struct report_query {
  std::string by;
  std::string cuped;
};

/// Refuses a report whose --by attribute or --cuped field no customer of
/// the campaign has (a typo, most likely).
status check_fields(const campaign_report& r);

/// The report of several members' parts (the sums of each arm, group by
/// group value, added). An error when the parts are not of one campaign
/// with the same arms (a member with another spec).
result<campaign_report> merge_reports(const std::vector<campaign_report>& parts);

/// Builds the sums of campaign `id`'s report (blocking: scans its
/// deliveries, dead letters, audit records and events) over the customers
/// `mine` takes. The statistics are left to compute_statistics.
result<campaign_report> build_report(const storage::store& db, const std::string& id,
                                     const report_query& query,
                                     const customer_filter& mine = {});

} // namespace troupe::campaign
