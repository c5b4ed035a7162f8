#pragma once
/// Which shards this node serves right now, shared by the actors that read
/// or write customer-addressed records (campaign runners, the storage
/// actor) and set by the cluster's membership actor whenever the shard map
/// changes. A node outside any cluster owns every shard.
///
/// A shard being handed off is first *sealed*: runners stop taking it and
/// the handoff waits until no runner is inside it (`enter`/`leave`), so the
/// records streamed away are final. Thread-safe; every call is short.

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>

namespace troupe::sharding {

class shard_ownership {
public:
  explicit shard_ownership(uint32_t shard_count)
    : owned_(shard_count, true), sealed_(shard_count, false), busy_(shard_count, 0) {}

  uint32_t shard_count() const { return static_cast<uint32_t>(owned_.size()); }

  /// True when this node serves `shard` (owned, not sealed).
  bool serves(uint32_t shard) const {
    std::lock_guard<std::mutex> guard{mutex_};
    return shard < owned_.size() && owned_[shard] && !sealed_[shard];
  }

  /// True when the map gives `shard` to this node (sealed or not).
  bool owns(uint32_t shard) const {
    std::lock_guard<std::mutex> guard{mutex_};
    return shard < owned_.size() && owned_[shard];
  }

  /// The shards this node owns, ascending (sealed ones included).
  std::vector<uint32_t> owned() const {
    std::lock_guard<std::mutex> guard{mutex_};
    std::vector<uint32_t> out;
    for (uint32_t s = 0; s < owned_.size(); ++s)
      if (owned_[s])
        out.push_back(s);
    return out;
  }

  /// Replaces the owned set; counts a generation when a shard was gained.
  void assign(const std::vector<bool>& owned) {
    std::lock_guard<std::mutex> guard{mutex_};
    for (std::size_t s = 0; s < owned_.size() && s < owned.size(); ++s) {
      if (owned[s] && !owned_[s])
        ++gained_;
      owned_[s] = owned[s];
    }
  }

  /// Grows each time the node gains a shard (runners that finished their
  /// shards look again when it moves).
  uint64_t gained() const {
    std::lock_guard<std::mutex> guard{mutex_};
    return gained_;
  }

  /// A runner takes `shard` for a while; false if it is not served.
  bool enter(uint32_t shard) {
    std::lock_guard<std::mutex> guard{mutex_};
    if (shard >= owned_.size() || !owned_[shard] || sealed_[shard])
      return false;
    ++busy_[shard];
    return true;
  }

  void leave(uint32_t shard) {
    {
      std::lock_guard<std::mutex> guard{mutex_};
      if (shard < busy_.size() && busy_[shard] > 0)
        --busy_[shard];
    }
    idle_.notify_all();
  }

  /// Stops serving `shard`, then waits (up to `timeout`) until no runner
  /// is inside it. False on timeout (the shard stays sealed).
  template <class Duration>
  bool seal(uint32_t shard, Duration timeout) {
    std::unique_lock<std::mutex> guard{mutex_};
    sealed_.at(shard) = true;
    return idle_.wait_for(guard, timeout, [&] { return busy_[shard] == 0; });
  }

  void unseal(uint32_t shard) {
    std::lock_guard<std::mutex> guard{mutex_};
    sealed_.at(shard) = false;
  }

  /// True while `shard` is sealed (a runner inside it should wrap up).
  bool sealed(uint32_t shard) const {
    std::lock_guard<std::mutex> guard{mutex_};
    return shard < sealed_.size() && sealed_[shard];
  }

private:
  mutable std::mutex mutex_;
  std::condition_variable idle_;
  std::vector<bool> owned_;
  std::vector<bool> sealed_;
  std::vector<unsigned> busy_;
  uint64_t gained_ = 0;
};

} // namespace troupe::sharding
