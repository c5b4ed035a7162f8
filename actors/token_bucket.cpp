#include "actors/token_bucket.hpp"

#include <algorithm>

namespace troupe::actors {

token_bucket::token_bucket(token_bucket_policy policy, clock::time_point now)
  : policy_(policy), tokens_(policy.burst), last_(now) {}

void token_bucket::refill(clock::time_point now) {
  if (now <= last_)
    return;
  std::chrono::duration<double> elapsed = now - last_;
  tokens_ = std::min(policy_.burst, tokens_ + elapsed.count() * policy_.rate);
  last_ = now;
}

double token_bucket::available(clock::time_point now) {
  refill(now);
  return tokens_;
}

std::optional<clock::duration> token_bucket::reserve(clock::time_point now,
                                                     clock::duration max_wait) {
  refill(now);
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return clock::duration::zero();
  }
  // Booking: the token arrives when the deficit (1 - tokens) is refilled.
  std::chrono::duration<double> wait_s{(1.0 - tokens_) / policy_.rate};
  auto wait = std::chrono::duration_cast<clock::duration>(wait_s);
  if (wait > max_wait)
    return std::nullopt;
  tokens_ -= 1.0;
  return wait;
}

} // namespace troupe::actors
