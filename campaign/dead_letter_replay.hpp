#pragma once
/// Replays a campaign's dead letters: each customer that failed goes through
/// the campaign's pipeline again. A customer delivered now gets its Delivery
/// record, loses its dead letter and moves from `failed` to `delivered` in
/// its shard's checkpoint counters — all in one write batch, so a crash
/// mid-replay loses or doubles nothing. One that fails again keeps its dead
/// letter with the new reason and one more attempt. Runs detached, a page of
/// `window` customers at a time, and answers when every dead letter has been
/// tried once; it quits then.
///
///   (replay_atom) -> replay_result

#include <cstdint>
#include <memory>

#include <caf/all.hpp>

#include "campaign/runner.hpp"

namespace troupe::campaign {

struct replay_result {
  uint64_t tried = 0;
  uint64_t delivered = 0;
  uint64_t blocked = 0;
  uint64_t skipped = 0;   ///< no longer in the segment (or no longer stored)
  uint64_t failed = 0;    ///< failed again: still dead letters
  uint64_t capped = 0;    ///< over the node's frequency cap today: settled as capped
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, replay_result& x) {
  return f(caf::meta::type_name("troupe.replay_result"), x.tried, x.delivered, x.blocked,
           x.skipped, x.failed, x.capped);
}

/// Spawns a replayer for the campaign of `ctx.state`; send it (replay_atom).
caf::actor spawn_dead_letter_replay(caf::actor_system& sys, runner_context ctx);

} // namespace troupe::campaign
