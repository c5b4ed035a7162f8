#include "campaign/runner_store.hpp"

#include "campaign/stored_status.hpp"
#include "storage/campaign_records.hpp"
#include "storage/customer_records.hpp"

namespace troupe::campaign::detail {

status persist(runner_state& st, const v1::CampaignState& record) {
  if (st.ctx.metrics)
    st.ctx.metrics->set_state(st.id, state_of(record));
  return storage::write_campaign(*st.ctx.db, record);
}

status transition(runner_state& st, campaign_command command,
                  const std::function<void(v1::CampaignState&)>& edit) {
  auto next = apply(st.lifecycle(), command, st.id);
  if (!next)
    return next.err();
  auto record = st.ctx.state;
  record.set_state(to_proto(*next));
  if (edit)
    edit(record);
  if (auto s = persist(st, record); !s)
    return s;
  st.ctx.state = std::move(record);
  return status::success();
}

campaign_counters counted_now(const runner_state& st) {
  auto owned = owned_shards(st.ctx.ownership);
  bool current = st.shard < st.ctx.db->shard_count() && (!owned || owned(st.shard))
                 && st.read != shard_read::abandoned;
  auto stored = stored_counters(*st.ctx.db, st.id, [&](uint32_t shard) {
    return (!current || shard != st.shard) && (!owned || owned(shard));
  });
  if (!stored)
    return st.totals;
  if (current)
    *stored += st.shard_counts;
  return *stored;
}

result<uint64_t> count_owned_customers(const runner_context& ctx) {
  if (!ctx.ownership)
    return storage::count_customers(*ctx.db);
  uint64_t n = 0;
  auto st = storage::scan_customers_of(*ctx.db, ctx.ownership->owned_mask(),
                                       [&](const v1::Customer&) {
                                         ++n;
                                         return true;
                                       });
  if (!st)
    return st.err();
  return n;
}

} // namespace troupe::campaign::detail
