#pragma once
/// The shard writer of a node in a cluster (storage/shard_writer): a write
/// is acknowledged only once it is on the shard's primary (this node) and
/// on every replica the shard map holds in sync, or once a replica that
/// did not take it has left the in-sync set by a map change in etcd.
///
/// For each part, under the shard's write lock:
///
///   1. this node must hold its lease and be the shard's primary in the map
///      it acts on; the batch is prepared at the shard's epoch there
///      (storage/shard_log: the next position, chained from the last);
///   2. it goes to every in-sync replica's member gateway at once,
///      `(replicate_atom, shard, epoch, ShardBatch bytes)`; a replica
///      answers the storage::apply_outcome (`applied`, or `duplicate` for
///      one it has) or an error. A replica whose map is behind answers
///      `future_epoch` and is asked again until `replica_timeout`;
///   3. the replicas that did not take it (an error, no answer in time,
///      `diverged`, no connection) are marked out of sync in one map
///      change (through the cluster actor and the node's agent: a
///      transaction that compares the map's revision and the shard's
///      epoch). If that change is refused, the write fails: the shard
///      may have a new primary (this node was fenced);
///   4. only then, and only if this node still holds its lease (a freeze
///      may have outlasted it while the replicas answered), is the batch
///      written here, and the part acknowledged.
///
/// A replica marked out of sync is copied anew by the primary (a catch-up)
/// before it is in sync again. A part that fails voids its prepared batch
/// (the shard log is reset), so no later batch chains from it; a replica
/// that applied it meets `diverged` on the next write and is copied anew.
///
/// Metrics: troupe_replication_writes_total{result} (written, failed) and
/// troupe_replicas_dropped_total (replicas taken out of the in-sync set).

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>

#include <caf/actor_system.hpp>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "actors/handle_slot.hpp"
#include "cluster/cluster_protocol.hpp"
#include "cluster/etcd_agent.hpp"
#include "storage/shard_log.hpp"
#include "storage/shard_writer.hpp"

namespace troupe::cluster {

struct replication_metrics {
  explicit replication_metrics(prometheus::Registry& registry);
  prometheus::Counter* written;
  prometheus::Counter* failed;
  prometheus::Counter* dropped;
};

struct replication_config {
  std::string self;                     ///< this node's member id
  caf::actor_system* sys = nullptr;
  std::shared_ptr<storage::store> db;
  std::shared_ptr<storage::shard_log> log;
  std::shared_ptr<lease_view> lease;
  /// The map and member gateways the cluster actor publishes.
  std::shared_ptr<actors::handle_slot<std::shared_ptr<const member_handles>>> members;
  /// The cluster actor: takes replicas out of the in-sync set.
  std::shared_ptr<actors::handle_slot<caf::actor>> cluster;
  /// How long a replica may take to answer one batch.
  std::chrono::milliseconds replica_timeout{5000};
  /// How long before its end a lease no longer allows a write.
  std::chrono::milliseconds lease_margin{200};
  std::shared_ptr<replication_metrics> metrics; ///< may be null
};

class replicating_writer final : public storage::shard_writer {
public:
  explicit replicating_writer(replication_config cfg);
  std::vector<status> write(std::vector<storage::shard_write>& parts) override;

private:
  struct prepared;
  replication_config cfg_;
  storage::shard_locks locks_;
  /// Replicas this writer took out of the in-sync set, until the published
  /// map (at least `version`) shows it: shard -> (version, nodes).
  std::mutex dropped_mutex_;
  std::map<uint32_t, std::pair<uint64_t, std::set<std::string>>> dropped_;
};

} // namespace troupe::cluster
