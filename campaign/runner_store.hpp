#pragma once
/// What a campaign runner keeps in the store and counts from it (inside the
/// runner, not for other folders): its campaign's state record, and its
/// counters and customers over the shards this node is the primary of.

#include <cstdint>
#include <functional>

#include "campaign/counters.hpp"
#include "campaign/lifecycle.hpp"
#include "campaign/runner_state.hpp"
#include "common/error.hpp"

namespace troupe::campaign::detail {

/// Stores `record` (the campaign's state) and shows its state in the gauge.
status persist(const runner_context& ctx, const v1::CampaignState& record);
inline status persist(runner_state& st, const v1::CampaignState& record) {
  return persist(st.ctx, record);
}

/// Moves the campaign by `command` (`edit` sets the record's other fields),
/// stores it, and only then takes it as the runner's state (`ctx.state`).
status transition(runner_context& ctx, campaign_command command,
                  const std::function<void(v1::CampaignState&)>& edit = {});
inline status transition(runner_state& st, campaign_command command,
                         const std::function<void(v1::CampaignState&)>& edit = {}) {
  return transition(st.ctx, command, edit);
}

/// The campaign's counters on this node now: the stored checkpoints of the
/// shards it is the primary of (a shard taken over mid-campaign brings its
/// own), the current shard's as accounted so far. The runner's running
/// totals when the store cannot be read.
campaign_counters counted_now(const runner_state& st);

/// The customers of the shards this node is the primary of.
result<uint64_t> count_owned_customers(const runner_context& ctx);

} // namespace troupe::campaign::detail
