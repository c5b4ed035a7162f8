#pragma once
/// Reads the BASP frames an authenticated peer sends, before CAF does, and
/// says which may pass. For every peer: no frame whose header claims more
/// than `max_message_bytes` (CAF 0.17 would allocate what the header
/// claims). For a shell (viewer, operator), on the node's side:
///   - a client handshake, once, naming one node id (which the gate binds);
///   - direct messages to the published actor (the shell door) only: one
///     to any other actor is neutralized (its receiver set to an id no actor has, so CAF drops
///     it or answers a request with an error) and counted, the connection
///     stays (CAF's own hello to the node's SpawnServ is neutralized too,
///     but not counted);
///   - direct messages that are commands: no forwarding stages (CAF sends
///     an answer, an error included, to the last stage: any actor), an
///     atom first (no exit, error or down message for the door itself), and
///     only the element types the shell API carries (atoms, strings,
///     integers, troupe.* types: CAF 0.17 ends the process on some others'
///     bad bytes);
///   - heartbeats; monitor and down messages from its own node to this one;
///   - never a handshake naming this node's own id (for any peer);
///   - no routed messages (their sender node is whatever the sender says),
///     no server handshake, no message to an actor named instead of numbered.
/// Members (node, open) may send any frame within the size limit; for every
/// peer a connection announces one node id (a second handshake naming
/// another is refused) and control payloads stay under 64 KiB.
///
/// Bytes may arrive in any pieces; `feed` keeps what it needs across calls.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include <caf/fwd.hpp>
#include <caf/io/basp/header.hpp>
#include <caf/node_id.hpp>

#include "trust/role.hpp"

namespace troupe::wire {

constexpr uint64_t default_max_message_bytes = 64ull << 20;
/// Handshake, monitor and down payloads are small; more is refused.
constexpr size_t max_control_payload_bytes = 64 * 1024;
/// How much of a shell's direct message is read to check it is a command.
constexpr size_t max_command_prefix_bytes = 4096;

class basp_filter {
public:
  /// `accepting`: this end accepted the connection (the peer is a client).
  /// `self`: this process's node id (no peer may announce it).
  basp_filter(trust::role peer_role, bool accepting, uint64_t max_message_bytes,
              caf::actor_id public_actor, std::optional<caf::node_id> self = std::nullopt);

  struct verdict {
    std::string refusal;                  ///< empty: the bytes may pass
    std::optional<caf::node_id> announced; ///< a handshake's node id, when one completed
    std::string dropped;                  ///< why a frame was neutralized (to count)
  };

  /// Points the header at `header` (header_size bytes) at no actor.
  static void neutralize(char* header);

  /// Checks the next `n` bytes of the stream; neutralizes, in place, any
  /// header that must not reach its receiver.
  verdict feed(char* data, size_t n);

private:
  verdict on_header(char* whole);
  /// Folds `v` into `out` (a later frame's facts do not erase an earlier
  /// one's); true when `out` is now a refusal.
  static bool merge(verdict& out, const verdict& v);
  /// Whether a shell's direct message payload starts as a command does:
  /// no forwarding stages, a message whose first element is an atom.
  static bool is_command(const std::string& payload_start);
  verdict on_payload();
  bool from_shell() const;

  trust::role role_;
  bool accepting_;
  uint64_t max_message_bytes_;
  caf::actor_id public_actor_;
  std::string header_bytes_;
  caf::io::basp::header header_{};
  uint64_t payload_left_ = 0;
  bool keep_payload_ = false;
  std::string payload_;
  std::optional<caf::node_id> node_; ///< what the handshake announced
  std::optional<caf::node_id> self_; ///< this process's node id
  size_t keep_limit_ = max_control_payload_bytes;
};

} // namespace troupe::wire
