#pragma once
/// The rate limiter actor: a token bucket per key ("generate", a campaign
/// id, ...). A caller asks for a token; it is answered at once when there is
/// one, after the wait when one is booked, and with `wait_too_long` when the
/// wait would exceed the limiter's maximum.
///
///   limiter_actor:
///     (acquire_atom, key) -> grant{waited_ns}   | error wait_too_long
///     (info_atom)         -> mailbox depth
///
/// Metrics: troupe_limiter_wait_seconds (histogram of granted waits).

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/atom.hpp>
#include <caf/typed_actor.hpp>
#include <prometheus/registry.h>

#include "actors/atoms.hpp"
#include "actors/clock.hpp"
#include "actors/token_bucket.hpp"

namespace troupe::actors {


/// A granted token: how long the caller was held back.
struct limiter_grant {
  int64_t waited_ns = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, limiter_grant& x) {
  return f(caf::meta::type_name("troupe.limiter_grant"), x.waited_ns);
}

using limiter_actor =
  caf::typed_actor<caf::replies_to<acquire_atom, std::string>::with<limiter_grant>,
                   caf::replies_to<info_atom>::with<uint64_t>>;

struct limiter_options {
  /// The policy of keys not named in `per_key`.
  token_bucket_policy default_policy;
  /// Policies by key.
  std::map<std::string, token_bucket_policy> per_key;
  /// The longest a caller is held back before it gets `wait_too_long`.
  std::chrono::milliseconds max_wait{1000};
};

/// The limiter's metrics, shared by every limiter of a node.
struct limiter_metrics {
  explicit limiter_metrics(prometheus::Registry& registry);
  prometheus::Histogram* wait_seconds;
};

limiter_actor spawn_limiter(caf::actor_system& sys, std::string name, limiter_options opts,
                            std::shared_ptr<const clock> time,
                            std::shared_ptr<limiter_metrics> metrics);

} // namespace troupe::actors
