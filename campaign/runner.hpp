#pragma once
/// The campaign runner: one per running campaign, detached (it reads and
/// writes RocksDB). It walks the node's shards in order, reads customers
/// only while its window has credit, sends each through the campaign's
/// pipeline in batches, and, as the finished items form an unbroken prefix
/// of the shard's key order, writes their Delivery and DeadLetter records
/// together with the shard's checkpoint in one write batch (mid-shard on
/// its ledger writer's thread, one write in flight; campaign/ledger_writer).
/// A node killed at any instant resumes from the checkpoints: nothing
/// before a checkpoint is redone, nothing after it was written.
///
/// Its campaign moves as campaign/lifecycle.hpp draws it: start (a created
/// campaign), pause, resume, cancel, complete (every shard done), fail
/// (storage).
///
///   runner protocol:
///     (pause_atom) (resume_atom) (cancel_atom) (status_atom) -> campaign_status
///
/// The runner persists the campaign's state (column `campaigns`) on every
/// transition and quits when the campaign is completed, cancelled or failed.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include <caf/all.hpp>

#include "campaign/campaign_metrics.hpp"
#include "campaign/status.hpp"
#include "campaign/stored_status.hpp"
#include "contact_policy/contact_book.hpp"
#include "contact_policy/quiet_hours.hpp"
#include "providers/generation.hpp"
#include "campaign/pipeline_metrics.hpp"
#include "sharding/shard_ownership.hpp"
#include "campaign/stages.hpp"
#include "storage/shard_writer.hpp"
#include "storage/store.hpp"

namespace troupe::campaign {

/// The node's contact policy for triggered campaigns' sends.
struct contact_rules {
  /// Messages per customer per channel per calendar day in the customer's
  /// zone; 0: no cap (and no contacts counted).
  uint32_t frequency_cap = 0;
  /// Sends due inside them wait for their end, in the customer's zone.
  std::optional<contact_policy::quiet_hours> quiet;
  /// The node's, shared by its triggered campaigns (caps need one).
  std::shared_ptr<contact_policy::contact_book> book;
  /// The wall clock the trigger runner sends by, Unix ms (null: the
  /// system's); a test moves it across a day or into quiet hours.
  std::function<int64_t()> clock;
};

struct runner_options {
  /// Finished items written per write batch (with the checkpoint).
  std::size_t batch = 512;
  pipeline_policy retry;
  contact_rules contacts;
};

/// What a runner needs. `state` is the persisted campaign (already in the
/// store); the runner moves it to running (or continues a running one).
struct runner_context {
  v1::CampaignState state;
  std::shared_ptr<storage::store> db;
  pipeline_providers providers;
  runner_options opts;
  std::shared_ptr<campaign_metrics> metrics; ///< may be null
  /// Blocked terms of the node (--blocklist), besides the campaign's own.
  std::vector<std::string> node_blocklist;
  /// Where the campaign's records go (storage/shard_writer).
  std::shared_ptr<storage::shard_writer> writer;
  /// Write audit records (safety decisions, deliveries) in the shards' chains.
  bool audit = true;
  /// The shards this node serves (null: all). The runner works only in
  /// those, leaves a shard that gets sealed for a handoff (its checkpoint
  /// goes with it), holds no shard while paused, and completes only when
  /// every shard it owns is done.
  std::shared_ptr<sharding::shard_ownership> ownership;
};

caf::actor spawn_campaign_runner(caf::actor_system& sys, runner_context ctx);

} // namespace troupe::campaign
