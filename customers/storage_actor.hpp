#pragma once
/// The storage actor: the node's blocking RocksDB work that answers whole
/// requests — importing a chunk of JSON Lines in one write batch, writing a
/// handoff batch. Runs detached (its own thread) so that disk I/O never
/// blocks the scheduler. Its reads (count, page, verify, report) it hands
/// to its `readers` (storage_reader.hpp), each on a thread of its own, in
/// turn: no query waits in line with the writes.
///
///   storage_actor:
///     (import_atom, import_chunk)  -> import_result
///     (count_atom, predicate text) -> uint64_t     | error naming the position
///     (page_atom, kind, campaign, after, limit) -> record_page
///                                   // kind: deliveries or dead letters
///     (verify_atom)                -> audit_report // walks the audit chain
///     (report_atom, campaign, by, cuped) -> campaign_report // experiment sums
///     (handoff_atom, RecordBatch bytes) -> uint64_t // a handed-off shard's
///                                   // records, written (the last batch synced);
///                                   // the first batch of a shard this node does
///                                   // not own clears an old copy of it first
///
/// Each customer's events are counted and offered to the triggered
/// campaigns by the customer's actor (customers/customer_events), through
/// the registry, before anything of the chunk is written. Event chunks that
/// arrive while the actor is busy are written together (one step of the
/// customer actors, one write and sync; at most 20,000 lines), each
/// answered with its own result.
///
/// Customers and events are written through the node's shard writer, and
/// go only into shards this node serves (`ownership`);
/// the others come back in `import_result::foreign` for routing. A count
/// covers the shards this node owns.
///     (corpus_atom, versions)      -> those of them not committed here
///     (info_atom)                  -> mailbox depth
///
/// Metrics: troupe_import_records_total{kind,result}.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "actors/atoms.hpp"
#include "actors/handle_slot.hpp"
#include "campaign/trigger_book.hpp"
#include "config/input_limits.hpp"
#include "customers/audit_report.hpp"
#include "campaign/report.hpp"
#include "customers/import_types.hpp"
#include "customers/registry.hpp"
#include "customers/storage_reader.hpp"
#include "sharding/shard_ownership.hpp"
#include "storage/shard_log.hpp"
#include "storage/shard_writer.hpp"
#include "storage/store.hpp"

namespace troupe::customers {

using storage_actor = caf::typed_actor<
  caf::replies_to<actors::import_atom, import_chunk>::with<import_result>,
  caf::replies_to<actors::count_atom, std::string>::with<uint64_t>,
  caf::replies_to<actors::fields_atom>::with<std::vector<std::string>>,
  caf::replies_to<actors::page_atom, record_kind, std::string, std::string, uint32_t>::with<record_page>,
  caf::replies_to<actors::verify_atom>::with<audit_report>,
  caf::replies_to<actors::report_atom, std::string, std::string, std::string>::with<campaign::campaign_report>,
  caf::replies_to<actors::handoff_atom, std::string>::with<uint64_t>,
  caf::replies_to<actors::corpus_atom, std::vector<uint64_t>>::with<std::vector<uint64_t>>,
  caf::replies_to<actors::info_atom>::with<uint64_t>>;

struct import_metrics {
  explicit import_metrics(prometheus::Registry& registry);
  prometheus::Counter* customers_ok;
  prometheus::Counter* customers_rejected;
  prometheus::Counter* corpus_ok;
  prometheus::Counter* corpus_rejected;
};

/// Imports one chunk (blocking): customers through `writer`, documents
/// into `db`. Used by the storage actor. With `ownership`, customers of
/// shards not served here are listed in `foreign`. A line or record over
/// `limits` is rejected by number, naming the limit.
import_result import_lines(storage::store& db, storage::shard_writer& writer,
                           const import_chunk& chunk,
                           sharding::shard_ownership* ownership = nullptr,
                           const config::input_limits& limits = {});

/// What the storage actor works with.
struct storage_deps {
  std::shared_ptr<storage::store> db;
  /// The node's shard log: a shard copied here resets it.
  std::shared_ptr<storage::shard_log> log;
  /// Where imports and events are written (over `log` on this node).
  std::shared_ptr<storage::shard_writer> writer;
  std::shared_ptr<import_metrics> metrics;              ///< may be null
  std::shared_ptr<sharding::shard_ownership> ownership; ///< null: every shard is this node's
  config::input_limits limits;
  unsigned readers = 2;
  /// The triggered campaigns running here (null: none can be): each new
  /// event is offered to them, and their runners told of what it did.
  std::shared_ptr<const campaign::trigger_book> triggers;
  /// The node's customer registry, once started: its customer actors count
  /// and offer each customer's events (customers/customer_events).
  std::shared_ptr<actors::handle_slot<customer_registry_actor>> customers;
};

/// How long the storage actor waits for the customer actors to step a
/// chunk's events; then the chunk's events are refused, nothing written.
constexpr std::chrono::seconds event_batch_timeout{30};

/// A node alone's: `db`, a shard log of its own and a local writer over it.
storage_deps local_storage(std::shared_ptr<storage::store> db,
                           std::shared_ptr<import_metrics> metrics = nullptr);

storage_actor spawn_storage_actor(caf::actor_system& sys, storage_deps deps);

} // namespace troupe::customers
