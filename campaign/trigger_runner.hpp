#pragma once
/// The runner of a triggered campaign on one node: detached (it reads and
/// writes RocksDB), one per running triggered campaign. It arms the
/// campaign in the node's trigger book, so that event ingest makes sends
/// pending (customers/trigger_offer) and tells it (`trigger_news`); at
/// start, and for each shard the node gains, it loads the campaign's
/// pending sends of the shards it serves. A send whose time has come goes
/// through the campaign's pipeline (retrieve, generate, safety, assign,
/// deliver; its segment was evaluated when the customer entered) and, in
/// one write per shard, its Delivery (keyed by campaign, customer and
/// occurrence), its audit records, the shard's counters and the erasure
/// of the pending send: a node killed at any instant neither loses nor
/// doubles a send. A send cancelled meanwhile (its timer gone from the
/// store) is not sent.
///
/// It never completes: it runs until paused (pending sends wait, events
/// enter nobody) or cancelled.
///
///   trigger runner protocol:
///     (trigger_news)                       // from event ingest, one way
///     (pause_atom) (resume_atom) (cancel_atom) (status_atom) -> campaign_status

#include <memory>
#include <vector>

#include <caf/all.hpp>

#include "campaign/runner.hpp"
#include "campaign/trigger_book.hpp"
#include "troupe.pb.h"

namespace troupe::campaign {

/// `book`: where it arms the campaign while it runs.
caf::actor spawn_trigger_runner(caf::actor_system& sys, runner_context ctx,
                                std::shared_ptr<trigger_book> book, int max_predicate_depth);

} // namespace troupe::campaign
