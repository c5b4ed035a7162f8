#include "campaign/stored_status.hpp"

#include <chrono>

#include "storage/campaign_records.hpp"

namespace troupe::campaign {

int64_t wall_clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

campaign_status status_of(const v1::CampaignState& state, const campaign_counters& c,
                          int64_t now_ms) {
  campaign_status s;
  s.counters() = c;
  s.id = state.spec().id();
  s.name = state.spec().name();
  s.state = state_of(state);
  s.total = state.total();
  s.started_at_ms = state.started_at_ms();
  s.finished_at_ms = state.finished_at_ms();
  s.reason = state.failure_reason();
  s.triggered = state.spec().kind() == "triggered";
  for (const auto& arm : state.spec().arms()) {
    s.arm_names.push_back(arm.name());
    s.arm_weights.push_back(arm.weight());
  }
  auto end = s.finished_at_ms != 0 ? s.finished_at_ms : now_ms;
  if (s.started_at_ms != 0 && end > s.started_at_ms)
    s.rate_per_min = static_cast<double>(s.processed) * 60'000.0
                     / static_cast<double>(end - s.started_at_ms);
  return s;
}

shard_filter owned_shards(std::shared_ptr<sharding::shard_ownership> ownership) {
  if (!ownership)
    return {};
  return [ownership](uint32_t shard) { return ownership->owns(shard); };
}

result<campaign_counters> stored_counters(const storage::store& db, const std::string& id,
                                          const shard_filter& counts) {
  campaign_counters sum;
  auto st = storage::scan_checkpoints(db, id, [&](const v1::Checkpoint& cp) {
    if (!counts || counts(cp.shard()))
      sum += from_proto(cp.counters());
    return true;
  });
  if (!st)
    return st.err();
  return sum;
}

result<campaign_status> stored_status(const storage::store& db, const v1::CampaignState& state,
                                      const shard_filter& counts) {
  auto counters = stored_counters(db, state.spec().id(), counts);
  if (!counters)
    return counters.err();
  return status_of(state, *counters, wall_clock_ms());
}

} // namespace troupe::campaign
