#include "campaign/runner_pace.hpp"

#include <algorithm>

#include "actors/clock.hpp"

namespace troupe::campaign {

double rate_share(double rate, const sharding::shard_ownership* ownership,
                  uint32_t shard_count) {
  if (rate <= 0 || ownership == nullptr || shard_count == 0)
    return rate;
  auto owned = static_cast<double>(ownership->owned().size());
  return rate * owned / static_cast<double>(shard_count);
}

void pace(std::optional<actors::token_bucket>& bucket, double& current, double rate) {
  if (rate == current && (bucket.has_value() || rate <= 0))
    return;
  current = rate;
  if (rate <= 0) {
    bucket.reset();
    return;
  }
  bucket.emplace(actors::token_bucket_policy{rate, std::max(1.0, rate / 10)},
                 actors::real_clock()->now());
}

} // namespace troupe::campaign
