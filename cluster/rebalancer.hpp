#pragma once
/// Shard moves and drains as plain data and pure rules (no actors; the
/// caller passes the time):
///
/// - `rebalancer` — the leader's side: one move at a time towards balance
///   (`sharding::next_move`), given up after a deadline, finished by the
///   old owner's report.
/// - `outgoing_shards` — the old owner's side: the shards it streams away,
///   whose old copy it deletes once the map gave them to another member.
/// - `incoming_shards` — the new owner's side: the shards the leader told
///   it to expect, and from whom (cluster/member_admission takes a handoff
///   batch for no other shard).
/// - `start_drain` — the leader's answer to `drain`: the member leaving,
///   or why it cannot.
///
///   leader:   idle --next: stream--> moving --finished(ok)--> idle (map flipped)
///               |                      |  |--finished(failed) / deadline / forget--> idle
///               +--next: apply (no copy anywhere: the map flips at once)
///
/// Used by the cluster actor only (not thread-safe).

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cluster/cluster_view.hpp"
#include "common/error.hpp"
#include "sharding/shard_map.hpp"

namespace troupe::cluster {

class rebalancer {
public:
  using clock_type = std::chrono::steady_clock;

  /// A handoff that has not finished after `deadline` is given up (the next
  /// step tries again).
  explicit rebalancer(clock_type::duration deadline = std::chrono::minutes(30))
    : deadline_(deadline) {}

  enum class action {
    none,   ///< nothing to do now (balanced, a move under way, or a member unreachable)
    apply,  ///< no member holds a copy of the shard: flip the map at once
    stream, ///< tell `move.from` to stream the shard to `move.to` (now under way)
  };

  struct step {
    action what = action::none;
    sharding::shard_move move;
    bool expired = false; ///< the move under way was given up (deadline passed)
  };

  /// The leader's next step at `now`. `reachable(id)`: the leader can send
  /// to member `id` (itself included). A stream step marks its move as under way.
  step next(const cluster_view& view, clock_type::time_point now,
            const std::function<bool(const std::string&)>& reachable);

  /// The old owner's report on `move`: how long it took, when it is the move
  /// under way (which is then over, whether it succeeded or not); nullopt
  /// for a report on any other move.
  std::optional<clock_type::duration> finished(const sharding::shard_move& move,
                                               clock_type::time_point now);

  /// Member `id` is lost: a move from or to it is dropped.
  void forget(const std::string& id);

  const std::optional<sharding::shard_move>& moving() const { return moving_; }

private:
  clock_type::duration deadline_;
  std::optional<sharding::shard_move> moving_;
  clock_type::time_point started_;
};

/// The shards this node streams away, until their old copy is deleted.
class outgoing_shards {
public:
  void streaming(uint32_t shard) { outgoing_.insert(shard); }
  /// The stream failed: the shard stays here.
  void failed(uint32_t shard) { outgoing_.erase(shard); }
  /// The shards whose old copy to delete now: streamed away, the map gives
  /// them to another member, not being deleted already (marked as such).
  std::vector<uint32_t> to_erase(const sharding::shard_map& map, const std::string& self);
  /// The old copy of `shard` is gone (or could not be deleted).
  void erased(uint32_t shard);
  /// True while a shard is streamed or its old copy not yet deleted.
  bool busy() const { return !outgoing_.empty(); }

private:
  std::set<uint32_t> outgoing_;
  std::set<uint32_t> erasing_;
};

/// The shards this node expects another member to stream here: the leader
/// announces each move to its new owner before it tells the old owner to
/// stream (cluster_moves.cpp).
class incoming_shards {
public:
  /// The leader started `move` to this node (a later move of the shard replaces it).
  void expect(const sharding::shard_move& move) { expected_[move.shard] = move.from; }
  /// Forgets the shards whose owner in `map` is no longer the member they
  /// were expected from: the move is done (or the shard went elsewhere).
  void prune(const sharding::shard_map& map);
  /// shard -> the member it comes from.
  const std::map<uint32_t, std::string>& expected() const { return expected_; }

private:
  std::map<uint32_t, std::string> expected_;
};

/// The leader's answer to a drain of member `id`.
struct drain_plan {
  cluster_view view;      ///< with `id` leaving (version not bumped)
  bool changed = false;   ///< false: it was leaving already
  std::size_t shards = 0; ///< the shards it still has to hand off
};

/// Member `id` starts leaving: refused with unknown_member, member_down
/// (its shards cannot be streamed) or no_receiver (nobody else is up).
result<drain_plan> start_drain(const cluster_view& view, const std::string& id);

} // namespace troupe::cluster
