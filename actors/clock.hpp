#pragma once
/// Time as the actors see it: breakers and limiters read `now()` from an
/// injected clock so that tests move time by hand instead of sleeping.
/// Both clocks may be read from any thread.

#include <atomic>
#include <chrono>
#include <memory>

namespace troupe::actors {

class clock {
public:
  using duration = std::chrono::nanoseconds;
  using time_point = std::chrono::time_point<std::chrono::steady_clock, duration>;

  virtual ~clock() = default;
  virtual time_point now() const = 0;
};

/// The real steady clock.
class steady_clock_source final : public clock {
public:
  time_point now() const override { return std::chrono::steady_clock::now(); }
};

/// A clock that moves only when told to (tests).
class manual_clock final : public clock {
public:
  time_point now() const override { return time_point{duration{ticks_.load()}}; }
  void advance(duration d) { ticks_ += d.count(); }

private:
  std::atomic<duration::rep> ticks_{1'000'000'000}; // start at 1 s, not 0
};

/// The process's real clock, shared.
std::shared_ptr<const clock> real_clock();

} // namespace troupe::actors
