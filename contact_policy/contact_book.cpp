#include "contact_policy/contact_book.hpp"

namespace troupe::contact_policy {

uint32_t contact_book::reserved(const contact& c) const {
  auto it = reserved_.find(c);
  return it == reserved_.end() ? 0 : it->second;
}

void contact_book::reserve(const contact& c) { ++reserved_[c]; }

void contact_book::release(const contact& c) {
  auto it = reserved_.find(c);
  if (it == reserved_.end())
    return;
  if (--it->second == 0)
    reserved_.erase(it);
}

void contact_book::claim(const std::set<counted>& pairs) {
  std::unique_lock<std::mutex> guard{mutex_};
  unclaimed_.wait(guard, [&] {
    for (const auto& p : pairs)
      if (claimed_.count(p) > 0)
        return false;
    return true;
  });
  claimed_.insert(pairs.begin(), pairs.end());
}

void contact_book::unclaim(const std::set<counted>& pairs) {
  {
    std::lock_guard<std::mutex> guard{mutex_};
    for (const auto& p : pairs)
      claimed_.erase(p);
  }
  unclaimed_.notify_all();
}

std::size_t contact_book::size() const {
  std::size_t n = 0;
  for (const auto& [c, k] : reserved_)
    n += k;
  return n;
}

} // namespace troupe::contact_policy
