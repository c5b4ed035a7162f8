#pragma once
/// Triggered campaigns' records, both keyed by the customer's shard first so
/// that they move, replicate and are erased with it. This module owns their
/// keys. Blocking (RocksDB I/O); failures are `storage_errc` errors.
///
///   timers   shard + campaign + '\0' + customer + '\0' + occurrence
///            -> v1.PendingSend: a send due at `due_ms`; erased when it is
///            delivered (in the same write) or cancelled
///   entries  shard + campaign + '\0' + customer -> v1.JourneyEntries:
///            how often, when last and with which dedup keys the customer
///            entered the campaign

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "storage/store.hpp"
#include "troupe.pb.h"

namespace troupe::storage {

/// The most dedup keys a customer's entries into one campaign remember
/// (the oldest is forgotten first).
inline constexpr std::size_t max_remembered_dedup_keys = 64;

/// The key of a pending send.
std::string timer_key(const store& db, const v1::PendingSend& p);

void put_timer(const store& db, write_batch& batch, const v1::PendingSend& p);
void erase_timer(const store& db, write_batch& batch, const v1::PendingSend& p);

/// The pending sends of `customer_id` in `campaign_id`.
result<std::vector<v1::PendingSend>> pending_sends_of(const store& db,
                                                      std::string_view campaign_id,
                                                      std::string_view customer_id);

/// Every pending send of `customer_id`, in every campaign, by due time (a
/// scan of its shard's pending sends: for a lookup, not a hot path).
result<std::vector<v1::PendingSend>> pending_sends_of_customer(const store& db,
                                                               std::string_view customer_id);

/// True if the pending send is still stored (not delivered nor cancelled).
result<bool> timer_pending(const store& db, const v1::PendingSend& p);

/// Visits every pending send of `campaign_id` (every campaign: empty) in
/// `shard`; `visit` returns false to stop.
status scan_timers(const store& db, uint32_t shard, std::string_view campaign_id,
                   const std::function<bool(const v1::PendingSend&)>& visit);

/// The customer's entries into the campaign, or nullopt when it never entered.
result<std::optional<v1::JourneyEntries>> read_entries(const store& db,
                                                       std::string_view campaign_id,
                                                       std::string_view customer_id);
void put_entries(const store& db, write_batch& batch, const v1::JourneyEntries& e);

/// Counts one more entry with `dedup_key` (may be empty) at `event_ms`.
void count_entry(v1::JourneyEntries& e, const std::string& dedup_key, int64_t event_ms);

} // namespace troupe::storage
