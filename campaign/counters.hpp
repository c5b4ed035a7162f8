#pragma once
/// The counters of a campaign's customers: in a shard's checkpoint, in
/// a runner's totals, in a status, summed over a cluster's members. Plain
/// value; the proto (v1::CampaignCounters) converts here and nowhere else.

#include <cstdint>
#include <vector>

#include "campaign/work_item.hpp"
#include "troupe.pb.h"

namespace troupe::campaign {

struct campaign_counters {
  uint64_t processed = 0;  ///< customers handled, in the segment or not
  uint64_t in_segment = 0; ///< selected by the segment (every outcome but skipped)
  uint64_t delivered = 0;
  uint64_t blocked = 0;
  uint64_t skipped = 0;    ///< not selected
  uint64_t failed = 0;     ///< dead letters
  uint64_t held_out = 0;   ///< held by the global holdout or a holdout arm: sent nothing
  // A triggered campaign's.
  uint64_t entered = 0;    ///< entries (a send became pending; proto: triggered)
  uint64_t cancelled = 0;  ///< pending sends a cancel_on event ended
  uint64_t capped = 0;     ///< sends over the customer's frequency cap: not sent
  uint64_t held = 0;       ///< sends quiet hours held (and released after)
  /// Per arm (spec order): its audience for the sample-ratio check, the
  /// delivered, blocked and failed customers and those a holdout arm held
  /// (ledger::audience_arm). Empty until one counts.
  std::vector<uint64_t> arm_audience;

  campaign_counters& operator+=(const campaign_counters& x);
  bool operator==(const campaign_counters& x) const;
  bool operator!=(const campaign_counters& x) const { return !(*this == x); }

  /// One customer handled with outcome `o` (pending counts as failed).
  static campaign_counters one(outcome o);
  /// A customer counted as `from` now counts as `to` (a replayed dead
  /// letter): `from`'s counts go down (never below 0), `to`'s up;
  /// processed stays.
  void recount(outcome from, outcome to);
  /// One more (delta 1) or one fewer (-1, never below 0) in arm `index`.
  void count_arm(std::size_t index, int delta = 1);
};

campaign_counters from_proto(const v1::CampaignCounters& c);
v1::CampaignCounters to_proto(const campaign_counters& c);

} // namespace troupe::campaign
