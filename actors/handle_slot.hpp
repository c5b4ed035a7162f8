#pragma once
/// A handle that a supervised child sets each time it (re)starts and that
/// others read when they need it (thread-safe).

#include <mutex>

namespace troupe::actors {

template <class Handle>
class handle_slot {
public:
  Handle get() const {
    std::lock_guard<std::mutex> guard{mutex_};
    return handle_;
  }
  void set(Handle h) {
    std::lock_guard<std::mutex> guard{mutex_};
    handle_ = std::move(h);
  }

private:
  mutable std::mutex mutex_;
  Handle handle_;
};

} // namespace troupe::actors
