#pragma once
/// Which shards this node serves right now, shared by the actors that read
/// or write customer-addressed records (campaign runners, the storage
/// actor) and set by the cluster's membership actor whenever the shard map
/// changes. A node outside any cluster owns every shard.
///
/// A shard being handed off is first *sealed*: runners stop taking it and
/// the handoff waits until no runner is inside it (`enter`/`leave`), so the
/// records streamed away are final.
///
/// Changes are events: an actor `subscribe`s with the message it wants
/// and the kinds of change it cares about (gained, lost, sealed,
/// unsealed), and gets that message each time such a change happens —
/// instead of polling. The message is a nudge ("look again"): it carries
/// nothing, the subscriber reads the ownership it needs; two changes may
/// arrive as two messages. Sent after the change is visible, outside the
/// lock; a subscriber that has terminated is dropped.
///
/// Thread-safe; every call is short except `seal`, which waits for the
/// runners inside the shard.

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>

#include <caf/actor_addr.hpp>
#include <caf/message.hpp>

namespace troupe::sharding {

/// The kinds of change a subscriber hears of (combine with `|`).
enum class ownership_event : uint8_t {
  gained = 1,   ///< the map gave this node a shard
  lost = 2,     ///< the map gave a shard of this node to another member
  sealed = 4,   ///< a shard is being handed off: runners leave it
  unsealed = 8, ///< a handoff failed or the old copy is gone: the seal is lifted
};

/// A set of `ownership_event`s.
class ownership_events {
public:
  constexpr ownership_events(ownership_event e) : bits_(static_cast<uint8_t>(e)) {}
  constexpr bool has(ownership_event e) const { return (bits_ & static_cast<uint8_t>(e)) != 0; }
  constexpr bool overlaps(ownership_events other) const { return (bits_ & other.bits_) != 0; }
  friend constexpr ownership_events operator|(ownership_events a, ownership_events b) {
    ownership_events out = a;
    out.bits_ = static_cast<uint8_t>(a.bits_ | b.bits_);
    return out;
  }

private:
  constexpr ownership_events() = default;
  uint8_t bits_ = 0;
  friend class shard_ownership;
};

constexpr ownership_events operator|(ownership_event a, ownership_event b) {
  return ownership_events{a} | ownership_events{b};
}

class shard_ownership {
public:
  explicit shard_ownership(uint32_t shard_count)
    : owned_(shard_count, true), sealed_(shard_count, false), busy_(shard_count, 0) {}

  uint32_t shard_count() const { return static_cast<uint32_t>(owned_.size()); }

  /// True when this node serves `shard` (owned, not sealed).
  bool serves(uint32_t shard) const;

  /// True when the map gives `shard` to this node (sealed or not).
  bool owns(uint32_t shard) const;

  /// The shards this node owns, ascending (sealed ones included).
  std::vector<uint32_t> owned() const;

  /// The same as one flag per shard (sealed ones included).
  std::vector<bool> owned_mask() const;

  /// Replaces the owned set; counts a generation when a shard was gained.
  /// Tells the subscribers to `gained` and `lost` when such a change happened.
  void assign(const std::vector<bool>& owned);

  /// Grows each time the node gains a shard.
  uint64_t gained() const;

  /// A runner takes `shard` for a while; false if it is not served.
  bool enter(uint32_t shard);

  void leave(uint32_t shard);

  /// Stops serving `shard` (telling the subscribers to `sealed`), then waits
  /// (up to `timeout`) until no runner is inside it. False on timeout (the
  /// shard stays sealed).
  template <class Duration>
  bool seal(uint32_t shard, Duration timeout) {
    std::unique_lock<std::mutex> guard{mutex_};
    bool was = sealed_.at(shard);
    sealed_[shard] = true;
    if (!was) {
      auto targets = targets_of(ownership_event::sealed);
      guard.unlock();
      notify(targets);
      guard.lock();
    }
    return idle_.wait_for(guard, timeout, [&] { return busy_[shard] == 0; });
  }

  /// Serves `shard` again (telling the subscribers to `unsealed` if it was sealed).
  void unseal(uint32_t shard);

  /// True while `shard` is sealed (a runner inside it should wrap up).
  bool sealed(uint32_t shard) const;

  /// Sends `message` to `subscriber` on every change of one of `events`,
  /// until `unsubscribe` with the returned id (or the subscriber is gone).
  uint64_t subscribe(caf::actor_addr subscriber, caf::message message, ownership_events events);

  void unsubscribe(uint64_t id);

  /// How many subscriptions are held (terminated subscribers included until
  /// the next change drops them).
  std::size_t subscribers() const;

private:
  struct subscription {
    uint64_t id;
    caf::actor_addr subscriber;
    caf::message message;
    ownership_events events;
  };
  struct target {
    caf::actor_addr subscriber;
    caf::message message;
  };

  /// The subscribers to `events` (under the lock); drops the terminated.
  std::vector<target> targets_of(ownership_events events);
  /// Sends each its message (outside the lock).
  static void notify(const std::vector<target>& targets);

  mutable std::mutex mutex_;
  std::condition_variable idle_;
  std::vector<bool> owned_;
  std::vector<bool> sealed_;
  std::vector<unsigned> busy_;
  uint64_t gained_ = 0;
  std::vector<subscription> subscriptions_;
  uint64_t next_id_ = 1;
};

} // namespace troupe::sharding
