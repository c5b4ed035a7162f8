#pragma once
/// Events customers sent back about a campaign (column `events`, key:
/// campaign id + '\0' + customer id + '\0' + type + '\0' + event id, or the
/// time without one): a repeated event is stored once. This module owns
/// those keys. Blocking (RocksDB I/O); failures are `storage_errc` errors.

#include <functional>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "storage/store.hpp"
#include "troupe.pb.h"

namespace troupe::storage {

/// What makes `e` the same event as another: equal for a repeated event.
std::string event_identity(const v1::Event& e);
/// True if the store holds `e` (or a repeat of it) already.
result<bool> has_event(const store& db, const v1::Event& e);
/// Adds `e` to `batch`.
void put_event(write_batch& batch, const v1::Event& e);
/// Visits every event of `campaign`; `visit` returns false to stop.
status scan_events(const store& db, std::string_view campaign,
                   const std::function<bool(const v1::Event&)>& visit);

} // namespace troupe::storage
