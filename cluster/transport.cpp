#include "cluster/transport.hpp"

#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>

#include "cluster/openssl_queue_guard.hpp"
#include "common/log.hpp"

namespace troupe::cluster {

void load_transport(caf::actor_system_config& cfg, const config::tls_files& tls) {
  cfg.load<caf::io::middleman>();
  if (!tls.enabled())
    return;
  if (!openssl_queue_guard_ready())
    log::warn("cluster", "libssl's SSL_read/SSL_write were not found: one failed TLS "
                         "connection may close the others");
  cfg.load<caf::openssl::manager>();
  cfg.openssl_certificate = tls.cert;
  cfg.openssl_key = tls.key;
  cfg.openssl_cafile = tls.ca;
}

caf::io::middleman_actor transport(caf::actor_system& sys) {
  if (sys.has_openssl_manager())
    return sys.openssl_manager().actor_handle();
  return sys.middleman().actor_handle();
}

} // namespace troupe::cluster
