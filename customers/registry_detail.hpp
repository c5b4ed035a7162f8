#pragma once
/// The registry's insides, shared by its files: registry.cpp (activation,
/// passivation, routing), registry_holdings.cpp (export and erasure) and
/// registry_events.cpp (events to the customer actors). Not for other
/// folders: the registry's interface is customers/registry.hpp.

#include <deque>
#include <functional>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/actor_error.hpp"
#include "customers/customer_actor.hpp"
#include "customers/customer_events.hpp"
#include "customers/registry.hpp"

namespace troupe::customers::detail {

/// Delivers one held message to the customer's actor, or, with a null
/// actor, answers its sender with `why`.
using forward_fn = std::function<void(const caf::actor&, const std::string& why)>;

struct entry {
  caf::actor actor;                    ///< null until activated
  bool passivating = false;
  bool waiting_for_slot = false;
  std::list<std::string>::iterator lru_pos;
  actors::clock::time_point last_used;
  std::vector<forward_fn> pending;     ///< messages held until the actor is live
  std::optional<passivated_state> kept; ///< state to reactivate with (no reload)
  /// The ownership generation (shard_ownership::gained) when the actor was
  /// last handed its profile from the store; none: it holds none.
  std::optional<uint64_t> profile_at;
};

/// The answers to one batch of events, gathered as the customers' actors
/// step (registry_events.cpp).
struct gathering {
  caf::response_promise rp;
  std::vector<customer_step> steps;
  std::vector<bool> settled;
  std::size_t left = 0;

  /// Settles step `i` (once; later answers are dropped): true when it was the last.
  bool settle(std::size_t i, customer_step step);
};

struct registry_state {
  registry_options opts;
  std::shared_ptr<storage::store> db;
  std::shared_ptr<const actors::clock> time;
  std::shared_ptr<customer_metrics> metrics;
  std::shared_ptr<storage::shard_writer> writer;
  bool audit = true;
  std::shared_ptr<sharding::shard_ownership> ownership;
  std::unordered_map<std::string, entry> entries;
  std::unordered_map<caf::actor_addr, std::string> by_addr;
  std::list<std::string> lru;          ///< live, not passivating; front = most recent
  std::deque<std::string> waiting;     ///< ids that wait for a free slot
  std::size_t live = 0;
  std::size_t passivating = 0;
  registry_stats stats;
  /// Batches of events whose steps are not all in, by number.
  std::unordered_map<uint64_t, std::shared_ptr<gathering>> gathering_steps;
  uint64_t next_batch = 0;
  static inline const char* name = "troupe.customer_registry";
};

using registry_pointer = caf::stateful_actor<registry_state>*;

/// Sends a message to the actor of `id` through `fwd`, activating it first
/// if needed; holds it while the actor is passivating or capped.
void route(registry_pointer self, const std::string& id, forward_fn fwd);

template <class... Ts>
forward_fn forwarder(caf::response_promise rp, std::string id, Ts... xs) {
  return [rp, id, xs...](const caf::actor& target, const std::string& why) mutable {
    if (!target)
      rp.deliver(actors::make_caf_error(actors::actors_errc::provider_failed, why));
    else
      rp.delegate(target, xs...);
  };
}

/// Handles `(export_atom, id)`: registry_holdings.cpp.
caf::result<storage::holdings_bytes> export_customer(registry_pointer self, const std::string& id);

/// Handles `(erase_atom, id)`: registry_holdings.cpp.
caf::result<storage::erased_records> erase_customer(registry_pointer self, const std::string& id);

/// Handles `(event_atom, event_batch)`: registry_events.cpp.
caf::result<std::vector<customer_step>> step_events(registry_pointer self, event_batch& batch);

/// Ends batch `n` if its steps are not all in by now (`event_step_timeout`).
using steps_due_atom = caf::atom_constant<caf::atom("stepsdue")>;
void steps_due(registry_pointer self, uint64_t n);

/// The actor of `id` may hold a profile the store does not (it may or may
/// not have taken the one it was sent, or it forgot it): it is read again
/// with the customer's next events.
void forget_profile(registry_pointer self, const std::string& id);

/// Handles `(profile_atom, profiles)`: registry_events.cpp.
void install_profiles(registry_pointer self, std::vector<v1::Profile>& profiles);

} // namespace troupe::customers::detail
