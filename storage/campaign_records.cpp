#include "storage/campaign_records.hpp"

#include "storage/keys.hpp"

namespace troupe::storage {

result<std::optional<v1::CampaignState>> read_campaign(const store& db, std::string_view id) {
  return db.get<v1::CampaignState>(column::campaigns, id);
}

status write_campaign(store& db, const v1::CampaignState& c) {
  return db.put(column::campaigns, c.spec().id(), c);
}

status scan_campaigns(const store& db,
                      const std::function<bool(const v1::CampaignState&)>& visit) {
  return db.scan<v1::CampaignState>(column::campaigns, "", "",
                                    [&](std::string_view, const v1::CampaignState& c) {
                                      return visit(c);
                                    });
}

result<std::optional<v1::Checkpoint>> read_checkpoint(const store& db, std::string_view campaign,
                                                      uint32_t shard) {
  return db.get<v1::Checkpoint>(column::checkpoints, keys::checkpoint(campaign, shard));
}

void put_checkpoint(write_batch& batch, std::string_view campaign, uint32_t shard,
                    const v1::Checkpoint& cp) {
  batch.put(column::checkpoints, keys::checkpoint(campaign, shard), cp);
}

status scan_checkpoints(const store& db, std::string_view campaign,
                        const std::function<bool(const v1::Checkpoint&)>& visit) {
  auto prefix = keys::campaign_prefix(campaign);
  return db.scan<v1::Checkpoint>(column::checkpoints, prefix, keys::prefix_end(prefix),
                                 [&](std::string_view, const v1::Checkpoint& cp) {
                                   return visit(cp);
                                 });
}

void mark_handled(v1::Checkpoint& cp, uint32_t shard, std::string_view customer_id) {
  cp.set_last_key(keys::customer(shard, customer_id));
}

} // namespace troupe::storage
