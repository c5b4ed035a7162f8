#pragma once
/// The decisions of a circuit breaker, apart from any actor: which calls go
/// to the provider, which are refused, and when the state changes.
///
///          error rate >= threshold over the window (min calls reached)
///          or N consecutive failures
///   CLOSED ------------------------------------------------> OPEN
///     ^                                                      |  ^
///     | every trial call succeeded         cool-down elapsed |  | a trial
///     |                                                      v  | failed
///     +------------------------------------------------- HALF-OPEN
///
/// In half-open at most `half_open_trials` calls go to the provider; the rest
/// are refused until the trials have decided. A call that times out counts as
/// a failure. Plain class, one owner; time comes from the caller.

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "actors/clock.hpp"

namespace troupe::actors {

/// Breaker settings (a policy value injected by whoever builds the breaker).
struct breaker_policy {
  /// Trip when failures / calls over `window` reach this (0..1) ...
  double error_rate = 0.5;
  /// ... and the window holds at least this many calls.
  unsigned min_calls = 20;
  /// Trip after this many failures in a row (0 = only the rate trips).
  unsigned consecutive_failures = 5;
  /// Length of the rolling window of the error rate.
  std::chrono::milliseconds window{10'000};
  /// How long the breaker stays open before it tries again.
  std::chrono::milliseconds cool_down{5'000};
  /// Trial calls in half-open; all must succeed to close.
  unsigned half_open_trials = 3;
  /// A provider call that takes longer is a failure.
  std::chrono::milliseconds call_timeout{2'000};
};

enum class breaker_state : uint8_t { closed = 0, half_open = 1, open = 2 };

const char* to_string(breaker_state s);

class breaker_logic {
public:
  /// What to do with a new call.
  enum class admission { pass, trial, refuse };

  /// Told of every state change: (from, to).
  using transition_listener = std::function<void(breaker_state, breaker_state)>;

  breaker_logic(breaker_policy policy, clock::time_point now,
                transition_listener listener = {});

  admission admit(clock::time_point now);
  void record_success(clock::time_point now, admission how);
  void record_failure(clock::time_point now, admission how);

  /// The state, moving open -> half-open if the cool-down has passed.
  breaker_state state(clock::time_point now);
  /// Failures / calls over the window (0 with no calls).
  double error_rate(clock::time_point now) const;
  uint64_t calls_in_window(clock::time_point now) const;
  clock::time_point last_transition() const { return last_transition_; }
  const breaker_policy& policy() const { return policy_; }

private:
  static constexpr std::size_t bucket_count = 10;
  struct bucket {
    int64_t index = -1;
    uint64_t calls = 0;
    uint64_t failures = 0;
  };

  int64_t bucket_index(clock::time_point now) const;
  void count(clock::time_point now, bool failed);
  void move_to(breaker_state to, clock::time_point now);

  breaker_policy policy_;
  transition_listener listener_;
  breaker_state state_ = breaker_state::closed;
  clock::time_point opened_at_{};
  clock::time_point last_transition_{};
  unsigned consecutive_ = 0;
  unsigned trials_started_ = 0;
  unsigned trials_succeeded_ = 0;
  std::array<bucket, bucket_count> buckets_{};
};

} // namespace troupe::actors
