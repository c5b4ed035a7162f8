#pragma once
/// What `campaign status` shows. Crosses processes: registered in
/// cluster/wire_types.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "campaign/counters.hpp"
#include "campaign/lifecycle.hpp"

namespace troupe::campaign {

/// One member's part of a campaign (`campaign status --by-node`).
struct node_part_status {
  std::string node;
  std::string state;           ///< a campaign state, or "error", or "unreachable"
  uint64_t processed = 0;
  uint64_t total = 0;
  uint64_t delivered = 0;
  uint64_t blocked = 0;
  uint64_t failed = 0;
  uint64_t held_out = 0;
  uint32_t stalled_shards = 0; ///< "unreachable": the shards that stall with it
  std::string error;           ///< "error": what it answered
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_part_status& x) {
  return f(caf::meta::type_name("troupe.node_part_status"), x.node, x.state, x.processed,
           x.total, x.delivered, x.blocked, x.failed, x.held_out, x.stalled_shards, x.error);
}

/// The line `campaign status --by-node` prints for `p`.
std::string by_node_line(const node_part_status& p);

/// The campaign's six counters (processed, in_segment, delivered, blocked,
/// skipped, failed) are its base: a status is counters with the rest.
struct campaign_status : campaign_counters {
  std::string id;
  std::string name;
  campaign_state state = campaign_state::created;
  uint64_t total = 0;         ///< customers on the node when the run started
  double rate_per_min = 0;    ///< customers processed per minute so far
  int64_t started_at_ms = 0;  ///< 0: not started
  int64_t finished_at_ms = 0; ///< 0: not finished
  std::string reason;         ///< why it failed; in a cluster, also stalled shards
  uint64_t pending = 0;       ///< a triggered campaign's sends waiting for their time
  bool triggered = false;     ///< a triggered campaign (no total: customers enter by events)
  /// The spec's arms, for the sample-ratio check of arm_audience.
  std::vector<std::string> arm_names;
  std::vector<double> arm_weights;
  /// In a cluster: each member's part (`campaign status --by-node`).
  std::vector<node_part_status> by_node;

  campaign_counters& counters() { return *this; }
  const campaign_counters& counters() const { return *this; }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, campaign_status& x) {
  return f(caf::meta::type_name("troupe.campaign_status"), x.id, x.name, x.state, x.total,
           x.processed, x.in_segment, x.delivered, x.blocked, x.skipped, x.failed, x.held_out,
           x.entered, x.cancelled, x.capped, x.held, x.arm_audience, x.arm_names, x.arm_weights,
           x.rate_per_min, x.started_at_ms, x.finished_at_ms, x.reason, x.pending, x.triggered, x.by_node);
}

} // namespace troupe::campaign
