#include "wire/gate.hpp"

#include <vector>

namespace troupe::wire {

gate::gate(credentials creds, gate_limits limits, std::shared_ptr<trust::peer_directory> peers,
           std::shared_ptr<trust::refusals> refusals)
  : creds_(std::move(creds)), limits_(limits), peers_(std::move(peers)),
    refusals_(std::move(refusals)) {
}

void gate::refuse(std::string_view reason, const std::string& sender,
                  const std::string& address, std::string_view what) {
  if (refusals_)
    refusals_->refuse(reason, sender, address, what);
}

void gate::tally(std::string_view reason) {
  if (refusals_)
    refusals_->tally(reason);
}

void gate::set_public_actor(caf::actor_id id) {
  std::lock_guard<std::mutex> guard{mtx_};
  public_actor_ = id;
}

caf::actor_id gate::public_actor() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return public_actor_;
}

void gate::set_self_node(caf::node_id id) {
  std::lock_guard<std::mutex> guard{mtx_};
  self_node_ = std::move(id);
}

std::optional<caf::node_id> gate::self_node() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return self_node_;
}

uint64_t gate::next_connection_id() {
  std::lock_guard<std::mutex> guard{mtx_};
  return next_id_++;
}

bool gate::begin_unauthenticated(uint64_t id, std::function<void()> evict) {
  std::vector<std::function<void()>> stale;
  bool admitted = false;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (pending_.size() >= limits_.max_unauthenticated) {
      auto now = std::chrono::steady_clock::now();
      for (auto i = pending_.begin(); i != pending_.end();) {
        if (now - i->second.since >= limits_.handshake_timeout) {
          stale.push_back(std::move(i->second.evict));
          i = pending_.erase(i);
        } else {
          ++i;
        }
      }
    }
    if (pending_.size() < limits_.max_unauthenticated) {
      pending_.emplace(id, pending{std::chrono::steady_clock::now(), std::move(evict)});
      admitted = true;
    }
  }
  for (auto& f : stale)
    f();
  return admitted;
}

void gate::end_unauthenticated(uint64_t id) {
  std::lock_guard<std::mutex> guard{mtx_};
  pending_.erase(id);
}

size_t gate::unauthenticated() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return pending_.size();
}

bool gate::note_refused(uint16_t port, error why) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = refused_.find(port);
  bool news = i == refused_.end() || i->second.message() != why.message();
  refused_[port] = std::move(why);
  return news;
}

std::optional<error> gate::refused_at(uint16_t port) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = refused_.find(port);
  if (i == refused_.end())
    return std::nullopt;
  return i->second;
}

} // namespace troupe::wire
