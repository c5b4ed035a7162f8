#include "actors/clock.hpp"

namespace troupe::actors {

std::shared_ptr<const clock> real_clock() {
  static const auto instance = std::make_shared<const steady_clock_source>();
  return instance;
}

} // namespace troupe::actors
