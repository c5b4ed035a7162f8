#pragma once
/// The gate in front of BASP: what every connection on this process's
/// cluster port, and every connection it opens, goes through (the gated
/// scribes of wire/gated_scribe.hpp ask it). It holds
///   - the credentials this process proves itself with and checks with;
///   - the limits: the largest message a header may claim, how many
///     connections may be unauthenticated at once and for how long;
///   - the peer directory it fills and the refusal counter it feeds;
///   - the actor a shell may reach (the published shell gateway);
///   - why the last connection this process opened was refused.
/// Thread-safe: scribes run in CAF's multiplexer thread, connects in the
/// middleman actor's, gateways anywhere.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <caf/fwd.hpp>
#include <caf/node_id.hpp>

#include "common/error.hpp"
#include "trust/peer_directory.hpp"
#include "trust/refusals.hpp"
#include "wire/basp_filter.hpp"
#include "wire/handshake.hpp"

namespace troupe::wire {

struct gate_limits {
  /// The largest payload a BASP header may claim (--max-message-bytes).
  uint64_t max_message_bytes = default_max_message_bytes;
  /// Accepted connections still in the preamble at once; more are closed.
  size_t max_unauthenticated = 64;
  /// How long a connection may take to prove itself before it may be
  /// closed to make room for another.
  std::chrono::milliseconds handshake_timeout{10000};
};

class gate {
public:
  gate(credentials creds, gate_limits limits, std::shared_ptr<trust::peer_directory> peers,
       std::shared_ptr<trust::refusals> refusals);

  const credentials& creds() const { return creds_; }
  const gate_limits& limits() const { return limits_; }
  trust::peer_directory& peers() { return *peers_; }

  /// Counts and logs a refusal (`sender` may be empty before a peer proved anything).
  void refuse(std::string_view reason, const std::string& sender, const std::string& address,
              std::string_view what);

  /// Counts a refusal without logging it.
  void tally(std::string_view reason);

  /// The one actor a shell's connection may send to (the shell gateway).
  void set_public_actor(caf::actor_id id);
  caf::actor_id public_actor() const;

  /// This process's CAF node id, which no peer may announce as its own.
  void set_self_node(caf::node_id id);
  std::optional<caf::node_id> self_node() const;

  /// A process-unique connection id.
  uint64_t next_connection_id();

  /// An accepted connection begins its preamble. When `max_unauthenticated`
  /// are already in it, those older than the timeout are closed through
  /// their `evict`; false when there is still no room (close this one).
  bool begin_unauthenticated(uint64_t id, std::function<void()> evict);
  /// It proved itself, or closed.
  void end_unauthenticated(uint64_t id);
  size_t unauthenticated() const;

  /// Why the last connection to `port` that this process opened was
  /// refused; true when that is news (another reason than last time).
  bool note_refused(uint16_t port, error why);
  std::optional<error> refused_at(uint16_t port) const;

private:
  struct pending {
    std::chrono::steady_clock::time_point since;
    std::function<void()> evict;
  };

  credentials creds_;
  gate_limits limits_;
  std::shared_ptr<trust::peer_directory> peers_;
  std::shared_ptr<trust::refusals> refusals_;
  mutable std::mutex mtx_;
  caf::actor_id public_actor_ = 0;
  std::optional<caf::node_id> self_node_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, pending> pending_;
  std::map<uint16_t, error> refused_;
};

} // namespace troupe::wire
