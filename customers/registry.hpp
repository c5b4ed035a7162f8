#pragma once
/// Virtual customer actors. The registry of a node activates `customer:ID`
/// on its first message, loading its record from the store, and passivates
/// it — saving its record if it changed — after an idle timeout or when the
/// number of live customer actors would exceed the cap (least recently used
/// first). A message for a customer that is being passivated waits in the
/// registry and reactivates it when the passivation is done: nothing is lost,
/// and the sender never sees the difference.
///
///   customer_registry_actor:
///     (get_atom, id)             -> customer_record
///     (peek_atom, id)            -> customer_record   // a read: from the live actor,
///                                                     // else the store, not activated;
///                                                     // with the customer's profile
///                                                     // and pending sends (read from
///                                                     // the store)
///     (put_atom, id, key, value) -> customer_record   // sets attribute key
///     (export_atom, id)          -> holdings_bytes    // all this node holds about
///                                                     // the customer
///     (erase_atom, id)           -> erased_records    // erases it all here (GDPR):
///                                                     // what was erased
///     (event_atom, event_batch)  -> vector<customer_step> // each customer's events
///                                                     // of a chunk to its actor
///                                                     // (customers/customer_events)
///     (profile_atom, vector<Profile>)                 // profiles now written: to
///                                                     // their live actors
///     (sweep_atom)               -> uint64_t          // passivates idle actors now
///     (stats_atom)               -> registry_stats
///     (info_atom)                -> mailbox depth
///
/// An erasure drops the customer's live actor without saving it and deletes
/// its record, deliveries, dead letters and events in one shard write
/// (storage/shard_writer: replicated with the shard), with an audit record
/// `customer_erased` in the shard's chain. While the customer's shard is
/// sealed for a handoff it is refused with `shard_moving` (the records being
/// streamed away would bring the customer back on the new owner). A node
/// that is not the shard's primary erases nothing itself: its copy, a
/// replica's, loses the records with the primary's batch.
///
/// The registry does the store's blocking I/O, so it runs detached (its own
/// thread); customer actors run on the scheduler and never touch the store.
/// Events reach the customers' actors through the registry: for each
/// customer of a chunk it reads from the store what the actor cannot know
/// (its journeys; its profile, when the actor has none or the node has
/// gained a shard since it was handed one: a shard back from another
/// member brings profiles counted there), then asks the actor, at most
/// `event_step_timeout`.
///
/// Metrics: troupe_customer_actors_live, troupe_customer_activations_total,
/// troupe_customer_passivations_total, troupe_customer_events_total.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <caf/all.hpp>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "actors/clock.hpp"
#include "actors/atoms.hpp"
#include "customers/customer_events.hpp"
#include "sharding/shard_ownership.hpp"
#include "storage/shard_writer.hpp"
#include "storage/customer_records.hpp"
#include "storage/store.hpp"

namespace troupe::customers {

/// A customer as its actor holds it.
struct customer_record {
  bool found = false;      ///< false: no such customer in the store (yet)
  v1::Customer data;
  /// What the customer did (storage/profile_records): `peek` reads it from
  /// the store; a live actor holds the one its events were counted into.
  std::optional<v1::Profile> profile;
  /// Its triggered campaigns' pending sends, the first `max_listed_pending`
  /// by due time; only `peek` fills it.
  std::vector<v1::PendingSend> pending;
};

/// The most pending sends a lookup lists (`customer export` lists them all).
constexpr std::size_t max_listed_pending = 100;

struct registry_stats {
  uint64_t live = 0;          ///< customer actors alive now (incl. passivating)
  uint64_t peak_live = 0;     ///< the most ever alive at once
  uint64_t activations = 0;
  uint64_t passivations = 0;
  uint64_t waiting = 0;       ///< messages held for a passivating or capped actor
};

struct registry_options {
  /// Most customer actors alive at once.
  std::size_t max_live = 100'000;
  /// A customer actor idle this long is passivated.
  std::chrono::milliseconds idle_timeout{60'000};
  /// How often the registry looks for idle actors (0: only on `sweep_atom`).
  std::chrono::milliseconds sweep_interval{10'000};
};

/// Metrics of a node's customer actors.
struct customer_metrics {
  explicit customer_metrics(prometheus::Registry& registry);
  prometheus::Gauge* live;
  prometheus::Counter* activations;
  prometheus::Counter* passivations;
  prometheus::Counter* events; ///< events handed to customer actors
};

/// How long the registry waits for a customer actor's step.
constexpr std::chrono::seconds event_step_timeout{10};

} // namespace troupe::customers

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::customers::customer_record)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::customers::registry_stats)

namespace troupe::customers {

using customer_registry_actor = caf::typed_actor<
  caf::replies_to<caf::get_atom, std::string>::with<customer_record>,
  caf::replies_to<actors::peek_atom, std::string>::with<customer_record>,
  caf::replies_to<caf::put_atom, std::string, std::string, std::string>::with<customer_record>,
  caf::replies_to<actors::export_atom, std::string>::with<storage::holdings_bytes>,
  caf::replies_to<actors::erase_atom, std::string>::with<storage::erased_records>,
  caf::replies_to<event_atom, event_batch>::with<std::vector<customer_step>>,
  caf::reacts_to<profile_atom, std::vector<v1::Profile>>,
  caf::replies_to<actors::sweep_atom>::with<uint64_t>,
  caf::replies_to<actors::stats_atom>::with<registry_stats>,
  caf::replies_to<actors::info_atom>::with<uint64_t>>;

/// What the registry works with besides its options.
struct registry_deps {
  std::shared_ptr<storage::store> db;
  std::shared_ptr<const actors::clock> time;
  std::shared_ptr<customer_metrics> metrics;          ///< may be null
  /// Where saved customers and erasures are written (storage/shard_writer).
  std::shared_ptr<storage::shard_writer> writer;
  bool audit = true;                                  ///< erasures audited
  std::shared_ptr<sharding::shard_ownership> ownership;         ///< may be null: every shard is served
};

customer_registry_actor spawn_customer_registry(caf::actor_system& sys,
                                                registry_options opts, registry_deps deps);

} // namespace troupe::customers
