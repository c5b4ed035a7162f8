#pragma once
/// Calls in flight, timed by their caller instead of by a CAF timeout per
/// request (each of which is a message through the clock thread and an
/// entry in its map). Every call of one queue has the same timeout, so
/// issue order is deadline order: the queue is a FIFO, and one timer,
/// armed for its first deadline, sweeps it. An answer settles its call; an
/// answer after its call expired finds nothing and is dropped.
///
///   call_deadlines<Call> q{timeout};
///   auto id = q.add(call);               // then request(..., caf::infinite, ...)
///   if (auto c = q.settle(id)) ...       // in the answer's handler
///   for (auto& c : q.expire(now)) ...    // in the timer's handler
///
/// A limit: CAF 0.17 keeps a request's response handler until an answer
/// comes, and a request sent without a timeout to an actor that never
/// answers (a provider dropping its promise, as `--fault-generate` with
/// `hang` does, or a breaker killed while it holds a call) leaves its
/// handler behind, a few hundred bytes each. The node's breakers always
/// answer (their own deadlines), so a calling stage leaks only when a
/// breaker dies holding calls; a breaker, only behind a hanging provider
/// (in half-open, a handful of trial calls per cool-down).
///
/// `sweep_timer` keeps one timer armed at a time for the earliest thing due
/// (a newer, earlier one supersedes it: a tick carries its generation, and
/// only the latest generation's tick counts).

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace troupe::actors {

template <class Call>
class call_deadlines {
public:
  using clock = std::chrono::steady_clock;

  explicit call_deadlines(std::chrono::milliseconds timeout) : timeout_(timeout) {}

  std::chrono::milliseconds timeout() const { return timeout_; }

  /// A call issued now; its id is for `settle`.
  uint64_t add(Call c, clock::time_point now = clock::now()) {
    auto id = next_++;
    live_.emplace(id, std::move(c));
    order_.emplace_back(now + timeout_, id);
    return id;
  }

  /// The call's answer came: its call, or nothing if it expired already.
  std::optional<Call> settle(uint64_t id) {
    auto it = live_.find(id);
    if (it == live_.end())
      return std::nullopt;
    std::optional<Call> out{std::move(it->second)};
    live_.erase(it);
    trim();
    return out;
  }

  /// The calls whose deadline is at or before `now`, removed.
  std::vector<Call> expire(clock::time_point now) {
    std::vector<Call> out;
    while (!order_.empty() && order_.front().first <= now) {
      auto it = live_.find(order_.front().second);
      order_.pop_front();
      if (it != live_.end()) {
        out.push_back(std::move(it->second));
        live_.erase(it);
      }
    }
    trim();
    return out;
  }

  /// The first deadline of a call still in flight, if any.
  std::optional<clock::time_point> next_deadline() const {
    if (order_.empty())
      return std::nullopt;
    return order_.front().first;
  }

  std::size_t size() const { return live_.size(); }

private:
  /// Answered calls leave their deadline behind; drop those at the front
  /// (answers mostly come in order, so the queue stays about as long as
  /// the calls in flight).
  void trim() {
    while (!order_.empty() && live_.count(order_.front().second) == 0)
      order_.pop_front();
  }

  std::chrono::milliseconds timeout_;
  uint64_t next_ = 0;
  std::unordered_map<uint64_t, Call> live_;
  std::deque<std::pair<clock::time_point, uint64_t>> order_;
};

/// One timer armed at a time, for the earliest time something is due.
class sweep_timer {
public:
  using clock = std::chrono::steady_clock;

  /// Something is due at `due`: the generation of a timer to send now
  /// (it fires after `wait_for(due)`), or nothing if one is armed for
  /// that time or earlier.
  std::optional<uint64_t> arm(clock::time_point due) {
    if (due >= armed_for_)
      return std::nullopt;
    armed_for_ = due;
    return ++generation_;
  }

  /// A tick came: true if it is the latest timer's (sweep, then arm for
  /// what is due next); false for one a later `arm` superseded.
  bool fired(uint64_t generation) {
    if (generation != generation_)
      return false;
    armed_for_ = clock::time_point::max();
    return true;
  }

  /// How long to wait for `due` (at least 1 ms: never a busy loop).
  static std::chrono::milliseconds wait_for(clock::time_point due,
                                            clock::time_point now = clock::now()) {
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(due - now);
    return std::max(wait + std::chrono::milliseconds{1}, std::chrono::milliseconds{1});
  }

private:
  clock::time_point armed_for_ = clock::time_point::max();
  uint64_t generation_ = 0;
};

} // namespace troupe::actors
