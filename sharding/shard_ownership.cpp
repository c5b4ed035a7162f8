#include "sharding/shard_ownership.hpp"

#include <algorithm>

#include <caf/actor_cast.hpp>
#include <caf/actor_control_block.hpp>
#include <caf/message_id.hpp>

namespace troupe::sharding {

bool shard_ownership::serves(uint32_t shard) const {
  std::lock_guard<std::mutex> guard{mutex_};
  return shard < owned_.size() && owned_[shard] && !sealed_[shard];
}

bool shard_ownership::owns(uint32_t shard) const {
  std::lock_guard<std::mutex> guard{mutex_};
  return shard < owned_.size() && owned_[shard];
}

std::vector<bool> shard_ownership::owned_mask() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return owned_;
}

std::vector<uint32_t> shard_ownership::owned() const {
  std::lock_guard<std::mutex> guard{mutex_};
  std::vector<uint32_t> out;
  for (uint32_t s = 0; s < owned_.size(); ++s)
    if (owned_[s])
      out.push_back(s);
  return out;
}

void shard_ownership::assign(const std::vector<bool>& owned) {
  std::vector<target> targets;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    bool gained = false;
    bool lost = false;
    for (std::size_t s = 0; s < owned_.size() && s < owned.size(); ++s) {
      if (owned[s] && !owned_[s]) {
        ++gained_;
        gained = true;
      } else if (!owned[s] && owned_[s]) {
        lost = true;
      }
      owned_[s] = owned[s];
    }
    if (gained && lost)
      targets = targets_of(ownership_event::gained | ownership_event::lost);
    else if (gained)
      targets = targets_of(ownership_event::gained);
    else if (lost)
      targets = targets_of(ownership_event::lost);
  }
  notify(targets);
}

uint64_t shard_ownership::gained() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return gained_;
}

bool shard_ownership::enter(uint32_t shard) {
  std::lock_guard<std::mutex> guard{mutex_};
  if (shard >= owned_.size() || !owned_[shard] || sealed_[shard])
    return false;
  ++busy_[shard];
  return true;
}

void shard_ownership::leave(uint32_t shard) {
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (shard < busy_.size() && busy_[shard] > 0)
      --busy_[shard];
  }
  idle_.notify_all();
}

void shard_ownership::unseal(uint32_t shard) {
  std::vector<target> targets;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (sealed_.at(shard))
      targets = targets_of(ownership_event::unsealed);
    sealed_[shard] = false;
  }
  notify(targets);
}

bool shard_ownership::sealed(uint32_t shard) const {
  std::lock_guard<std::mutex> guard{mutex_};
  return shard < sealed_.size() && sealed_[shard];
}

uint64_t shard_ownership::subscribe(caf::actor_addr subscriber, caf::message message,
                                    ownership_events events) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto id = next_id_++;
  subscriptions_.push_back({id, std::move(subscriber), std::move(message), events});
  return id;
}

void shard_ownership::unsubscribe(uint64_t id) {
  std::lock_guard<std::mutex> guard{mutex_};
  subscriptions_.erase(std::remove_if(subscriptions_.begin(), subscriptions_.end(),
                                      [id](const subscription& s) { return s.id == id; }),
                       subscriptions_.end());
}

std::size_t shard_ownership::subscribers() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return subscriptions_.size();
}

std::vector<shard_ownership::target> shard_ownership::targets_of(ownership_events events) {
  std::vector<target> out;
  auto gone = [](const subscription& s) {
    return caf::actor_cast<caf::strong_actor_ptr>(s.subscriber) == nullptr;
  };
  subscriptions_.erase(std::remove_if(subscriptions_.begin(), subscriptions_.end(), gone),
                       subscriptions_.end());
  for (auto& s : subscriptions_)
    if (s.events.overlaps(events))
      out.push_back({s.subscriber, s.message});
  return out;
}

void shard_ownership::notify(const std::vector<target>& targets) {
  for (auto& t : targets)
    if (auto ptr = caf::actor_cast<caf::strong_actor_ptr>(t.subscriber))
      ptr->enqueue(nullptr, caf::make_message_id(), t.message, nullptr);
}

} // namespace troupe::sharding
