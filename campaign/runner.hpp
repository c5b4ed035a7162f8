#pragma once
/// The campaign runner: one per running campaign, detached (it reads and
/// writes RocksDB). It walks the node's shards in order, reads customers
/// only while its window has credit, sends each through the campaign's
/// pipeline, and, as the finished items form an unbroken prefix of the
/// shard's key order, writes their Delivery and DeadLetter records together
/// with the shard's checkpoint in one write batch. A node killed at any
/// instant resumes from the checkpoints: nothing before a checkpoint is
/// redone, nothing after it was written.
///
///          start          pause            cancel
///   created -----> running ------> paused ---------> cancelled
///                    |  ^  resume    |
///                    |  +------------+
///                    +--> completed (every shard done) | failed (storage)
///
///   runner protocol:
///     (pause_atom) (resume_atom) (cancel_atom) (status_atom) -> campaign_status
///
/// The runner persists the campaign's state (column `campaigns`) on every
/// transition and quits when the campaign is completed, cancelled or failed.

#include <chrono>
#include <memory>

#include <caf/all.hpp>
#include <prometheus/registry.h>

#include "campaign/status.hpp"
#include "providers/generation.hpp"
#include "campaign/pipeline_metrics.hpp"
#include "sharding/shard_ownership.hpp"
#include "campaign/stages.hpp"
#include "storage/audit_log.hpp"
#include "storage/store.hpp"

namespace troupe::campaign {

/// Metrics of every campaign of a node.
class campaign_metrics {
public:
  explicit campaign_metrics(prometheus::Registry& registry);
  prometheus::Counter& customers(const std::string& campaign, outcome o);
  prometheus::Gauge& state(const std::string& campaign);
  /// troupe_pipeline_inflight{pipeline="campaign:ID"} and its mailbox probe.
  std::shared_ptr<pipeline_metrics> pipeline(const std::string& campaign);
  const std::shared_ptr<stage_metrics>& stages() const { return stages_; }

private:
  prometheus::Registry& registry_;
  std::shared_ptr<stage_metrics> stages_;
  prometheus::Family<prometheus::Counter>* customers_;
  prometheus::Family<prometheus::Gauge>* state_;
};

struct runner_options {
  /// Finished items written per write batch (with the checkpoint).
  std::size_t batch = 512;
  pipeline_policy retry;
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
  /// The node's audit log (null: no audit records).
  std::shared_ptr<storage::shared_audit_log> audit;
  /// The shards this node serves (null: all). The runner works only in
  /// those, leaves a shard that gets sealed for a handoff (its checkpoint
  /// goes with it), holds no shard while paused, and completes only when
  /// every shard it owns is done.
  std::shared_ptr<sharding::shard_ownership> ownership;
};

/// Writes `batch` with `audit` records through the node's audit log when
/// there is one (the chain stays in disk order), else plainly.
status write_audited(const runner_context& ctx, storage::write_batch& batch,
                     std::vector<v1::AuditRecord> audit);

caf::actor spawn_campaign_runner(caf::actor_system& sys, runner_context ctx);

/// The status of a campaign from the store alone (state + checkpoints).
result<campaign_status> stored_status(const storage::store& db, const v1::CampaignState& state);

const char* state_name(v1::CampaignStateKind k);

} // namespace troupe::campaign
