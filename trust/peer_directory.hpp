#pragma once
/// Who is on the other end of each authenticated connection, by the CAF node
/// id that connection announced in its BASP handshake. The gate in front of
/// BASP (wire/) binds a node id when a connection's handshake names it, and
/// unbinds it when the connection closes; the gateways ask `who` for the
/// sender of each message. CAF takes the sender's node of a direct message
/// from the connection it came in on, and the gate lets only members send
/// routed messages (whose sender node is whatever they claim), so a shell
/// cannot pose as another peer. Any thread.
///
///   auto p = directory.who(self->current_sender(), self->home_system().node());
///   if (!trust::may(p.role, trust::permission::operate)) ...

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include <caf/actor_control_block.hpp>
#include <caf/node_id.hpp>

#include "trust/role.hpp"

namespace troupe::trust {

/// One authenticated peer.
struct peer {
  std::string name;    ///< a token's NAME, a certificate's subject, a node's name
  trust::role role = trust::role::viewer;
  std::string address; ///< host:port it connected from (or to)
};

class peer_directory {
public:
  /// `authentication_on`: tokens, a cluster secret or TLS are configured;
  /// when off every peer is `role::open`.
  explicit peer_directory(bool authentication_on);

  bool authentication_on() const { return authentication_on_; }

  /// Binds `node` to `p`, arrived on connection `connection` (an id unique
  /// in this process). False, binding nothing, when `node` is bound to
  /// another peer: a connection may not borrow another peer's node id. The
  /// same peer (name and role, or any two member roles) may bind it on
  /// several connections: two members that dial each other at once each
  /// hold two, until CAF closes the redundant one.
  bool bind(const caf::node_id& node, uint64_t connection, peer p);

  /// Forgets whatever `connection` bound (a node id stays bound while
  /// another of its connections is open).
  void unbind(uint64_t connection);

  /// The peer bound to `node`, if any.
  std::optional<peer> find(const caf::node_id& node) const;

  /// Who sent a message: this node's own actors are `role::node` (name
  /// "local"); a remote sender is the peer its node is bound to; no sender,
  /// or a node nothing is bound to, is nullopt.
  std::optional<peer> who(const caf::strong_actor_ptr& sender, const caf::node_id& self) const;

private:
  struct binding {
    std::set<uint64_t> connections;
    peer who;
  };

  bool authentication_on_;
  mutable std::mutex mtx_;
  std::map<caf::node_id, binding> by_node_;
};

} // namespace troupe::trust
