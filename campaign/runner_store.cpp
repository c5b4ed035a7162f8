#include "campaign/runner_store.hpp"

#include "campaign/stored_status.hpp"
#include "storage/campaign_records.hpp"
#include "storage/customer_records.hpp"

namespace troupe::campaign::detail {

status persist(const runner_context& ctx, const v1::CampaignState& record) {
  if (ctx.metrics)
    ctx.metrics->set_state(record.spec().id(), state_of(record));
  return storage::write_campaign(*ctx.db, record);
}

status transition(runner_context& ctx, campaign_command command,
                  const std::function<void(v1::CampaignState&)>& edit) {
  const auto& id = ctx.state.spec().id();
  auto next = apply(state_of(ctx.state), command, id);
  if (!next)
    return next.err();
  auto record = ctx.state;
  record.set_state(to_proto(*next));
  if (edit)
    edit(record);
  if (auto s = persist(ctx, record); !s)
    return s;
  ctx.state = std::move(record);
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
