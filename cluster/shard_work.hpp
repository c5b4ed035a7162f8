#pragma once
/// A member's own work on shard copies, as plain data and pure rules (the
/// cluster actor acts on them; tests/shard_work_test.cpp):
///
/// - catch-ups: as a shard's primary, it copies the shard to each replica
///   the map adds out of sync (`due`), one stream per replica, at most
///   `limit` at once, and not again for a while after one failed;
/// - handovers: as a shard's primary, it hands the shard to the replica
///   the leader names (sealed first, so nothing is written meanwhile);
/// - old copies: a shard the map no longer gives this member (as primary
///   or replica) is deleted from its store (`to_erase`), unless it is
///   still being copied away.
///
/// Used by the cluster actor only (not thread-safe).

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>

#include "cluster/cluster_view.hpp"

namespace troupe::cluster {

/// One catch-up: copy `shard` to `to` (a replica added at `epoch`).
struct catch_up {
  uint32_t shard = 0;
  std::string to;
  uint64_t epoch = 0;
  std::chrono::steady_clock::time_point started{}; ///< set when it starts
};

class shard_work {
public:
  using clock_type = std::chrono::steady_clock;

  explicit shard_work(clock_type::duration retry_after = std::chrono::seconds(5))
    : retry_after_(retry_after) {}

  /// The catch-ups `self` should start now: out-of-sync replicas on live
  /// members of shards it is the primary of, not under way, not failed
  /// within `retry_after`, within `limit` running at once.
  std::vector<catch_up> due(const cluster_view& view, const std::string& self, std::size_t limit,
                            clock_type::time_point now) const;
  void started(const catch_up& c);
  /// The map version at which catch-up `c` was first due here (`version`,
  /// the first time it is asked): its replica must have seen that map
  /// before the copy starts, or it refuses the batches.
  uint64_t due_since(const catch_up& c, uint64_t version);
  /// A catch-up ended; a failed one waits `retry_after` before it is due again.
  void finished(const catch_up& c, bool ok, clock_type::time_point now);
  bool copying(uint32_t shard) const { return running_.count(shard) > 0; }

  /// A handover of `shard` is under way (or not any more).
  bool handing_over(uint32_t shard) const { return handovers_.count(shard) > 0; }
  void handover(uint32_t shard, bool under_way);

  /// Notes the shards `map` gives `self` (as primary or replica): their
  /// copies are on its disk (at start: the map it last acted on).
  void holding(const sharding::placement_map& map, const std::string& self);
  /// The shards whose copy to delete: held on disk, not given to `self` by
  /// `map`, not being copied away or handed over, not being deleted
  /// already (marked as such). Call before `holding(map)`.
  std::vector<uint32_t> to_erase(const sharding::placement_map& map, const std::string& self);
  /// The old copy of `shard` is gone (`ok`), or could not be deleted (it
  /// is tried again with the next map).
  void erased(uint32_t shard, bool ok);

  /// True while a copy streams, a handover runs or an old copy is deleted.
  bool busy() const { return !running_.empty() || !handovers_.empty() || !erasing_.empty(); }

private:
  clock_type::duration retry_after_;
  std::map<uint32_t, catch_up> running_;
  std::map<std::pair<uint32_t, std::string>, clock_type::time_point> failed_;
  std::set<uint32_t> handovers_;
  std::set<uint32_t> erasing_;
  std::set<uint32_t> held_;
  std::map<std::pair<uint32_t, std::string>, uint64_t> due_since_;
};

} // namespace troupe::cluster

// Local only (never crosses a process): no serialization needed.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::cluster::catch_up)
