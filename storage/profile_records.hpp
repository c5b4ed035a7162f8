#pragma once
/// Customers' profiles (column `profiles`, key: shard + customer id, like
/// the customer's record): what each customer has done, per event type,
/// counted from the events ingested on the shard's primary, in the same
/// write as the events. This module owns those keys. Blocking (RocksDB
/// I/O); failures are `storage_errc` errors.

#include <optional>
#include <string_view>

#include "common/error.hpp"
#include "storage/store.hpp"
#include "troupe.pb.h"

namespace troupe::storage {

/// The profile of `customer_id`, or nullopt when it has none.
result<std::optional<v1::Profile>> read_profile(const store& db, std::string_view customer_id);

/// Adds `p` (its customer's whole profile) to `batch`.
void put_profile(const store& db, write_batch& batch, const v1::Profile& p);

/// Counts `e` in `p`: one more of its type, its time the first or the last
/// seen, and its properties the latest when it is the latest of its type
/// (an earlier event arriving late keeps the later one's). Pure.
void count_event(v1::Profile& p, const v1::Event& e);

} // namespace troupe::storage
