#include "actors/breaker_logic.hpp"

namespace troupe::actors {

const char* to_string(breaker_state s) {
  switch (s) {
    case breaker_state::closed: return "closed";
    case breaker_state::half_open: return "half-open";
    case breaker_state::open: return "open";
  }
  return "unknown";
}

breaker_logic::breaker_logic(breaker_policy policy, clock::time_point now,
                             transition_listener listener)
  : policy_(policy), listener_(std::move(listener)), last_transition_(now) {
  if (policy_.window.count() < static_cast<long>(bucket_count))
    policy_.window = std::chrono::milliseconds(bucket_count);
}

int64_t breaker_logic::bucket_index(clock::time_point now) const {
  auto width = std::chrono::duration_cast<clock::duration>(policy_.window) / bucket_count;
  return now.time_since_epoch() / width;
}

void breaker_logic::count(clock::time_point now, bool failed) {
  auto index = bucket_index(now);
  auto& b = buckets_[static_cast<std::size_t>(index) % bucket_count];
  if (b.index != index)
    b = bucket{index, 0, 0};
  ++b.calls;
  if (failed)
    ++b.failures;
}

uint64_t breaker_logic::calls_in_window(clock::time_point now) const {
  auto current = bucket_index(now);
  uint64_t calls = 0;
  for (const auto& b : buckets_)
    if (b.index > current - static_cast<int64_t>(bucket_count) && b.index <= current)
      calls += b.calls;
  return calls;
}

double breaker_logic::error_rate(clock::time_point now) const {
  auto current = bucket_index(now);
  uint64_t calls = 0;
  uint64_t failures = 0;
  for (const auto& b : buckets_)
    if (b.index > current - static_cast<int64_t>(bucket_count) && b.index <= current) {
      calls += b.calls;
      failures += b.failures;
    }
  return calls == 0 ? 0.0 : static_cast<double>(failures) / static_cast<double>(calls);
}

void breaker_logic::move_to(breaker_state to, clock::time_point now) {
  auto from = state_;
  state_ = to;
  last_transition_ = now;
  consecutive_ = 0;
  trials_started_ = 0;
  trials_succeeded_ = 0;
  if (to == breaker_state::open)
    opened_at_ = now;
  if (to == breaker_state::closed)
    buckets_ = {};
  if (listener_)
    listener_(from, to);
}

breaker_state breaker_logic::state(clock::time_point now) {
  if (state_ == breaker_state::open && now - opened_at_ >= policy_.cool_down)
    move_to(breaker_state::half_open, now);
  return state_;
}

breaker_logic::admission breaker_logic::admit(clock::time_point now) {
  switch (state(now)) {
    case breaker_state::closed:
      return admission::pass;
    case breaker_state::open:
      return admission::refuse;
    case breaker_state::half_open:
      if (trials_started_ < policy_.half_open_trials) {
        ++trials_started_;
        return admission::trial;
      }
      return admission::refuse;
  }
  return admission::refuse;
}

void breaker_logic::record_success(clock::time_point now, admission how) {
  if (how == admission::trial) {
    if (state_ == breaker_state::half_open
        && ++trials_succeeded_ >= policy_.half_open_trials)
      move_to(breaker_state::closed, now);
    return;
  }
  if (state_ != breaker_state::closed)
    return; // a late answer to a call made before the breaker opened
  consecutive_ = 0;
  count(now, false);
}

void breaker_logic::record_failure(clock::time_point now, admission how) {
  if (how == admission::trial) {
    if (state_ == breaker_state::half_open)
      move_to(breaker_state::open, now);
    return;
  }
  if (state_ != breaker_state::closed)
    return;
  ++consecutive_;
  count(now, true);
  bool by_streak = policy_.consecutive_failures > 0
                   && consecutive_ >= policy_.consecutive_failures;
  bool by_rate = calls_in_window(now) >= policy_.min_calls
                 && error_rate(now) >= policy_.error_rate;
  if (by_streak || by_rate)
    move_to(breaker_state::open, now);
}

} // namespace troupe::actors
