#pragma once
/// A bounded window of work in flight: credits taken when an item is sent,
/// returned when it finishes (delivered, blocked, skipped or failed). The
/// source reads only while there is credit, so memory is bounded by the
/// window whatever the size of the input. Plain class, one owner.

#include <cassert>
#include <cstddef>

namespace troupe::actors {

class inflight_window {
public:
  explicit inflight_window(std::size_t capacity) : capacity_(capacity) {
    assert(capacity > 0);
  }

  std::size_t credit() const { return capacity_ - inflight_; }
  bool has_credit() const { return inflight_ < capacity_; }
  std::size_t inflight() const { return inflight_; }
  std::size_t capacity() const { return capacity_; }
  /// The most items ever in flight at once.
  std::size_t peak() const { return peak_; }

  void take() {
    assert(has_credit());
    if (++inflight_ > peak_)
      peak_ = inflight_;
  }
  void give_back() {
    assert(inflight_ > 0);
    --inflight_;
  }

private:
  std::size_t capacity_;
  std::size_t inflight_ = 0;
  std::size_t peak_ = 0;
};

} // namespace troupe::actors
