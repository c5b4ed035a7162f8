#include "campaign/trigger_checkpoints.hpp"

#include <vector>

#include "campaign/counters.hpp"
#include "common/log.hpp"
#include "storage/campaign_records.hpp"

namespace troupe::campaign {

v1::Checkpoint& trigger_checkpoints::of(uint32_t shard) {
  auto it = cached_.find(shard);
  if (it != cached_.end())
    return it->second;
  v1::Checkpoint cp;
  auto stored = storage::read_checkpoint(*db_, id_, shard);
  if (stored && *stored)
    cp = std::move(**stored);
  cp.set_campaign_id(id_);
  cp.set_shard(shard);
  return cached_.emplace(shard, std::move(cp)).first->second;
}

void trigger_checkpoints::count(const trigger_news& news, ledger& records,
                                storage::shard_writer& writer,
                                sharding::shard_ownership* ownership) {
  std::map<uint32_t, std::pair<uint64_t, uint64_t>> entered_cancelled;
  for (const auto& p : news.made)
    ++entered_cancelled[db_->shard_of(p.customer_id())].first;
  for (const auto& p : news.cancelled)
    ++entered_cancelled[db_->shard_of(p.customer_id())].second;
  std::map<uint32_t, v1::Checkpoint> before;
  std::vector<uint32_t> entered;
  for (const auto& [shard, n] : entered_cancelled) {
    if (ownership != nullptr && !ownership->enter(shard))
      continue; // moved meanwhile: its new primary's runner was not told
    entered.push_back(shard);
    auto& cp = of(shard);
    before.emplace(shard, cp);
    auto c = from_proto(cp.counters());
    c.entered += n.first;
    c.cancelled += n.second;
    *cp.mutable_counters() = to_proto(c);
    records.checkpoint(shard, cp);
  }
  auto parts = records.take();
  auto statuses = parts.empty() ? std::vector<status>{} : writer.write(parts);
  for (std::size_t i = 0; i < parts.size(); ++i)
    if (!statuses[i]) {
      log::warn("campaign", id_, ": cannot count the entries of shard ", parts[i].shard, ": ",
                statuses[i].err().message());
      restore(parts[i].shard, before.at(parts[i].shard));
    }
  if (ownership != nullptr)
    for (auto shard : entered)
      ownership->leave(shard);
}

} // namespace troupe::campaign
