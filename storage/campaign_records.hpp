#pragma once
/// A campaign's own records: its state (column `campaigns`, key: campaign
/// id) and its shards' checkpoints (column `checkpoints`, key: campaign id +
/// '\0' + shard, 2 bytes big endian). This module owns those keys; callers
/// deal in records. Blocking (RocksDB I/O); a storage failure is a
/// `storage_errc` error.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "storage/store.hpp"
#include "troupe.pb.h"

namespace troupe::storage {

// -- campaigns ------------------------------------------------------------

/// The campaign `id`; nullopt if there is none.
result<std::optional<v1::CampaignState>> read_campaign(const store& db, std::string_view id);
/// Stores `c` under its spec's id.
status write_campaign(store& db, const v1::CampaignState& c);
/// Visits every campaign in id order; `visit` returns false to stop.
status scan_campaigns(const store& db,
                      const std::function<bool(const v1::CampaignState&)>& visit);

// -- checkpoints ----------------------------------------------------------

/// The checkpoint of `campaign` in `shard`; nullopt if the shard was never
/// checkpointed.
result<std::optional<v1::Checkpoint>> read_checkpoint(const store& db, std::string_view campaign,
                                                      uint32_t shard);
/// Adds `cp` as the checkpoint of `campaign` in `shard` to `batch`.
void put_checkpoint(write_batch& batch, std::string_view campaign, uint32_t shard,
                    const v1::Checkpoint& cp);
/// Visits every checkpoint of `campaign`; `visit` returns false to stop.
status scan_checkpoints(const store& db, std::string_view campaign,
                        const std::function<bool(const v1::Checkpoint&)>& visit);
/// Records in `cp` that customer `customer_id` of `shard` is the last one
/// handled: a runner reading on from `cp` starts after it.
void mark_handled(v1::Checkpoint& cp, uint32_t shard, std::string_view customer_id);

} // namespace troupe::storage
