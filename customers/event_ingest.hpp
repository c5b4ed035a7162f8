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
#include <vector>

#include "campaign/trigger_book.hpp"
#include "config/input_limits.hpp"
#include "customers/customer_events.hpp"
#include "customers/trigger_offer.hpp"
#include "customers/import_types.hpp"
#include "sharding/shard_ownership.hpp"
#include "storage/shard_writer.hpp"
#include "storage/store.hpp"

namespace troupe::customers {

/// Where a chunk's events are counted and offered, customer by customer
/// (customers/customer_events): on a node, the owners' customer actors
/// through the registry (customers/storage_actor); without, the store.
struct event_steps {
  /// One step per customer of `batch`, in its order; an error: none of
  /// them happened (every line of the batch is rejected with it).
  std::function<result<std::vector<customer_step>>(const event_batch& batch)> step;
  /// The profiles of the customers whose events are now written.
  std::function<void(std::vector<v1::Profile> written)> written;
};

/// Steps read from `db` (blocking); nothing to tell once written.
event_steps store_steps(const storage::store& db);

/// Ingests the lines of `chunk` (kind "events") into `db` (blocking).
/// With `ownership`, events of customers in shards this node does not
/// serve are left out and listed in `foreign`.
/// A line or event over `limits` is rejected by number, naming the limit.
///
/// Each customer's new events are counted into its profile and, with
/// `triggers`, offered to the triggered campaigns running here, by
/// `steps` (default: `store_steps`). What that makes (profiles, pending
/// sends and cancels, journey entries) is written with the events, in
/// their shard's part; `on_written` is told of the sends made and
/// cancelled once the chunk's parts are written. A customer whose step
/// fails has none of its events of the chunk taken (its lines rejected).
import_result ingest_events(storage::store& db, storage::shard_writer& writer,
                            const import_chunk& chunk,
                            sharding::shard_ownership* ownership = nullptr,
                            const config::input_limits& limits = {},
                            const campaign::trigger_book* triggers = nullptr,
                            const std::function<void(const trigger_effects&)>& on_written = {},
                            const event_steps& steps = {});

/// The same for several chunks at once (requests waiting for the storage
/// actor): one step of the customers' actors and one write for all, each
/// chunk's lines counted and rejected in its own result (`[c]` for
/// `chunks[c]`). An event repeated in a later chunk is its duplicate.
std::vector<import_result>
ingest_event_chunks(storage::store& db, storage::shard_writer& writer,
                    const std::vector<const import_chunk*>& chunks,
                    sharding::shard_ownership* ownership = nullptr,
                    const config::input_limits& limits = {},
                    const campaign::trigger_book* triggers = nullptr,
                    const std::function<void(const trigger_effects&)>& on_written = {},
                    const event_steps& steps = {});

} // namespace troupe::customers
