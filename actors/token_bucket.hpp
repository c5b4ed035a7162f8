#pragma once
/// A token bucket with reservations: `rate` tokens a second, at most `burst`
/// saved up. `reserve` takes a token now if there is one, or books the next
/// one and says how long the caller must wait for it; a booking that would
/// wait longer than `max_wait` is refused and takes nothing. Waits are
/// granted in the order they were booked. Plain class, one owner (the
/// limiter actor); time comes from the caller.

#include <chrono>
#include <optional>

#include "actors/clock.hpp"

namespace troupe::actors {

struct token_bucket_policy {
  double rate = 100.0;   ///< tokens per second (> 0)
  double burst = 10.0;   ///< bucket size (>= 1)
};

class token_bucket {
public:
  token_bucket(token_bucket_policy policy, clock::time_point now);

  /// The wait before the caller may go (zero: at once), or nullopt if that
  /// wait would exceed `max_wait` (nothing is taken then).
  std::optional<clock::duration> reserve(clock::time_point now, clock::duration max_wait);

  /// Tokens available now (negative while bookings are outstanding).
  double available(clock::time_point now);

  const token_bucket_policy& policy() const { return policy_; }

private:
  void refill(clock::time_point now);

  token_bucket_policy policy_;
  double tokens_;
  clock::time_point last_;
};

} // namespace troupe::actors
