#pragma once
/// The runners a campaign manager has linked to and not yet seen exit. An
/// exit message from one of them is a runner ending (its down message says
/// how); from anyone else it stops the manager. A runner is forgotten at
/// its exit message (each sends exactly one), so the set holds the live
/// runners only, however many campaigns the node runs in its life.

#include <cstddef>
#include <set>

namespace troupe::campaign {

template <class Address>
class runner_links {
public:
  void linked(Address a) { live_.insert(std::move(a)); }
  /// True if `a` is a linked runner, which is forgotten now.
  bool exited(const Address& a) { return live_.erase(a) > 0; }
  std::size_t size() const { return live_.size(); }

private:
  std::set<Address> live_;
};

} // namespace troupe::campaign
