#pragma once
/// A campaign runner's writes (campaign/runner.cpp): the ledger and the
/// shard's checkpoint written together, on the runner's thread (`flush`:
/// a shard's end, a pause, a cancel) or behind it on the ledger writer's
/// (`write_behind`: mid-shard, one write in flight); a write refused for
/// now abandons the shard, any other failure fails the campaign.

#include <string>

#include <caf/all.hpp>

#include "campaign/runner_state.hpp"
#include "common/error.hpp"

namespace troupe::campaign::detail {

using runner_actor = caf::stateful_actor<runner_state>;
using pull_atom = caf::atom_constant<caf::atom("pull")>;

/// Gives up the current shard after a refused write (runner_writes.cpp).
void abandon(runner_actor* self, const error& why);

/// Writes the accounted items and the checkpoint on the runner's thread.
/// False when the runner cannot go on with the shard (failed or abandoned).
bool flush(runner_actor* self, bool shard_done);

/// Writes them behind, on the ledger writer's thread; its answer calls
/// `runner_progress`.
bool write_behind(runner_actor* self);

/// The frequency cap of a batch campaign (campaign/runner_contacts): the
/// segment stage reserves a contact for each customer it lets through
/// (`with_cap`: `policy` with the cap when the node sets one); the runner
/// keeps each accounted item that holds one (`keep_contact`), counts the
/// delivered ones into the write that records them, and releases the
/// reservations once that write is done, or at once for an item dropped
/// (`release_contact`).
pipeline_policy with_cap(runner_actor* self, pipeline_policy policy);
void keep_contact(runner_actor* self, const work_item& w);
void release_contact(runner_actor* self, const work_item& w);

/// Defined in runner.cpp: the campaign fails (the runner quits); the
/// runner goes on after an item finished or a write was answered.
void runner_fail(runner_actor* self, const std::string& why);
void runner_progress(runner_actor* self);

} // namespace troupe::campaign::detail
