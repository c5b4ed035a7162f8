#pragma once
/// Ingesting events (conversions, opens, clicks; JSON Lines, see
/// storage/json_codec.hpp): one chunk is parsed and written through the
/// node's shard writer, one atomic part per shard.
/// A repeated event (same id, or without an id the same customer, campaign,
/// type and time) is stored once and counted as a duplicate; an event for a
/// customer the campaign never delivered to is kept, counted as `unmatched`
/// and left out of the report — reported, not silently dropped. Bad lines
/// are rejected with their number and reason, as in an import.

#include <functional>

#include "campaign/trigger_book.hpp"
#include "config/input_limits.hpp"
#include "customers/trigger_offer.hpp"
#include "customers/import_types.hpp"
#include "sharding/shard_ownership.hpp"
#include "storage/shard_writer.hpp"
#include "storage/store.hpp"

namespace troupe::customers {

/// Ingests the lines of `chunk` (kind "events") into `db` (blocking).
/// With `ownership`, events of customers in shards this node does not
/// serve are left out and listed in `foreign`.
/// A line or event over `limits` is rejected by number, naming the limit.
///
/// With `triggers`, each new event is offered to the triggered campaigns
/// running here (customers/trigger_offer): the sends it makes pending and
/// cancels are written with it, and `written` is told of them once the
/// chunk's parts are written (`on_written`).
import_result ingest_events(storage::store& db, storage::shard_writer& writer,
                            const import_chunk& chunk,
                            sharding::shard_ownership* ownership = nullptr,
                            const config::input_limits& limits = {},
                            const campaign::trigger_book* triggers = nullptr,
                            const std::function<void(const trigger_offer&)>& on_written = {});

} // namespace troupe::customers
