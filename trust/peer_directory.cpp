#include "trust/peer_directory.hpp"

#include <caf/actor_control_block.hpp>

namespace troupe::trust {

peer_directory::peer_directory(bool authentication_on)
  : authentication_on_(authentication_on) {
}

bool peer_directory::bind(const caf::node_id& node, uint64_t connection, peer p) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = by_node_.find(node);
  if (i == by_node_.end()) {
    by_node_.emplace(node, binding{{connection}, std::move(p)});
    return true;
  }
  auto& b = i->second;
  if (b.connections.count(connection) > 0)
    return true;
  // Members (the cluster secret, a node certificate) are one party: the
  // side that dialled knows the other as "node", the side dialled by name.
  bool same = (b.who.name == p.name && b.who.role == p.role)
              || (is_member(b.who.role) && is_member(p.role));
  if (!same)
    return false;
  b.connections.insert(connection);
  return true;
}

void peer_directory::unbind(uint64_t connection) {
  std::lock_guard<std::mutex> guard{mtx_};
  for (auto i = by_node_.begin(); i != by_node_.end();) {
    i->second.connections.erase(connection);
    i = i->second.connections.empty() ? by_node_.erase(i) : std::next(i);
  }
}

std::optional<peer> peer_directory::find(const caf::node_id& node) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = by_node_.find(node);
  if (i == by_node_.end())
    return std::nullopt;
  return i->second.who;
}

std::optional<peer> peer_directory::who(const caf::strong_actor_ptr& sender,
                                        const caf::node_id& self) const {
  if (!sender)
    return std::nullopt;
  if (sender->node() == self)
    return peer{"local", role::node, ""};
  return find(sender->node());
}

} // namespace troupe::trust
