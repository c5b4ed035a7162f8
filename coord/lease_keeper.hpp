#pragma once
/// Keeps one etcd lease alive on a thread of its own, and says until when
/// this process may rely on holding it.
///
///   start() --grant--> alive --keepalive ok-----> alive (valid_until moves on)
///                        |--keepalive failed----> alive (retried; valid_until stays)
///                        |--etcd: lease gone----> lost  (on_lost, once; thread ends)
///                        |--valid_until passed--> lost  (on_lost, once; thread ends)
///                        `--stop()--------------> stopped (lease revoked, best effort)
///
/// `valid_until` is the steady_clock time at which the last successful
/// keepalive (or the grant) was SENT, plus the TTL etcd answered: etcd
/// cannot expire the lease before then. Once it has passed the keeper is
/// lost for good, even if a keepalive in flight then succeeds: `valid()`
/// never turns true again after it turned false. The owner decides what
/// losing means (stop acting as the holder; grant a new lease with a new
/// keeper).
///
/// Threads: `start`, `stop` and the destructor from the owner's thread;
/// `valid`, `valid_until`, `id` from any thread. `on_lost` runs on the
/// keeper's thread: it must not call `stop()` or destroy the keeper (post
/// to the owner instead).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "common/error.hpp"
#include "coord/etcd_client.hpp"

namespace troupe::coord {

struct lease_keeper_options {
  /// The TTL asked for (etcd may grant more; the granted one is used).
  std::chrono::seconds ttl{10};
  /// Between keepalives; 0 = a third of the granted TTL. Must be below it.
  std::chrono::milliseconds interval{0};
  /// After a failed keepalive, the next try comes this much later (or at
  /// `interval`, if shorter).
  std::chrono::milliseconds retry{500};
};

class lease_keeper {
public:
  using clock = std::chrono::steady_clock;
  /// Why the lease was lost: `lease_gone` (etcd said so, or no keepalive
  /// succeeded in time; the message names the last failure).
  using lost_handler = std::function<void(const error&)>;

  /// `client` must outlive the keeper.
  lease_keeper(etcd_client& client, lease_keeper_options options, lost_handler on_lost);
  ~lease_keeper();
  lease_keeper(const lease_keeper&) = delete;
  lease_keeper& operator=(const lease_keeper&) = delete;

  /// Grants the lease and starts keeping it alive. Once only (`invalid`
  /// after); the grant's error otherwise.
  status start();
  /// Stops the thread and revokes the lease (best effort, within the
  /// client's bound) unless etcd already said it is gone. Idempotent.
  void stop();

  /// The lease's id (0 before start()).
  int64_t id() const { return id_.load(); }
  /// The TTL etcd granted.
  std::chrono::seconds ttl() const { return std::chrono::seconds{ttl_s_.load()}; }
  /// Until when etcd cannot have expired the lease (see above);
  /// clock::time_point::min() before start(), after loss and after stop().
  clock::time_point valid_until() const;
  /// now + margin < valid_until().
  bool valid(clock::time_point now, clock::duration margin = clock::duration::zero()) const;

private:
  void run();
  void lose(const error& why);

  etcd_client& client_;
  lease_keeper_options options_;
  lost_handler on_lost_;
  std::chrono::milliseconds interval_{0};
  std::atomic<int64_t> id_{0};
  std::atomic<int64_t> ttl_s_{0};
  std::atomic<clock::rep> valid_until_; ///< clock ticks since its epoch
  std::atomic<bool> gone_{false};       ///< etcd said the lease is gone
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false; ///< under mutex_
  bool started_ = false;
  std::thread thread_;
};

} // namespace troupe::coord
