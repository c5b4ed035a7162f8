#include "wire/transport.hpp"

#include <caf/io/middleman.hpp>
#include <caf/send.hpp>
#include <caf/openssl/manager.hpp>

#include "common/log.hpp"
#include "wire/gated_middleman.hpp"
#include "wire/openssl_queue_guard.hpp"

namespace troupe::wire {

void load_transport(caf::actor_system_config& cfg, const config::tls_files& tls) {
  cfg.load<caf::io::middleman>();
  if (!tls.enabled())
    return;
  if (!openssl_queue_guard_ready())
    log::warn("wire", "libssl's SSL_read/SSL_write were not found: one failed TLS "
                      "connection may close the others");
  cfg.load<caf::openssl::manager>();
  cfg.openssl_certificate = tls.cert;
  cfg.openssl_key = tls.key;
  cfg.openssl_cafile = tls.ca;
}

caf::io::middleman_actor start_transport(caf::actor_system& sys, std::shared_ptr<gate> g) {
  g->set_self_node(sys.node());
  return spawn_gated_middleman(sys, std::move(g), sys.has_openssl_manager());
}

client_transport::client_transport(caf::actor_system& sys, credentials creds)
  : gate_(std::make_shared<wire::gate>(
      // The directory only records the node it connected to: a client
      // asks no peer's role.
      std::move(creds), gate_limits{}, std::make_shared<trust::peer_directory>(true),
      nullptr)),
    actor_(start_transport(sys, gate_)) {
}

void stop_transport(const caf::io::middleman_actor& transport) {
  if (transport)
    caf::anon_send_exit(transport, caf::exit_reason::kill);
}

} // namespace troupe::wire
