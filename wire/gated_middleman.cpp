#include "wire/gated_middleman.hpp"

#include <caf/io/basp_broker.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor_impl.hpp>
#include <caf/io/network/doorman_impl.hpp>
#include <caf/openssl/session.hpp>
#include <caf/policy/tcp.hpp>
#include <openssl/crypto.h>

#include "wire/gated_scribe.hpp"

#include <sys/socket.h>

namespace troupe::wire {

namespace {

using caf::io::network::default_multiplexer;
using caf::io::network::native_socket;
using caf::io::network::rw_state;

/// CAF's OpenSSL session as a stream policy (what CAF's own OpenSSL scribes
/// use, in a file of theirs we cannot include).
struct tls_policy {
  explicit tls_policy(caf::openssl::session_ptr s) : session(std::move(s)) {}

  rw_state read_some(size_t& result, native_socket fd, void* buf, size_t len) {
    return session->read_some(result, fd, buf, len);
  }
  rw_state write_some(size_t& result, native_socket fd, const void* buf, size_t len) {
    return session->write_some(result, fd, buf, len);
  }
  bool must_read_more(native_socket fd, size_t threshold) {
    return session->must_read_more(fd, threshold);
  }

  caf::openssl::session_ptr session;
};

using tcp_scribe = gated_scribe<caf::policy::tcp>;
using tls_scribe = gated_scribe<tls_policy>;

/// Accepts connections on the cluster port and gives each a gated scribe.
class gated_doorman : public caf::io::network::doorman_impl {
public:
  gated_doorman(default_multiplexer& mpx, native_socket fd, std::shared_ptr<gate> g, bool tls)
    : caf::io::network::doorman_impl(mpx, fd), gate_(std::move(g)), tls_(tls) {
  }

  bool new_connection() override {
    if (detached())
      return false;
    auto& mpx = acceptor_.backend();
    auto fd = acceptor_.accepted_socket();
    caf::io::network::nonblocking(fd, true);
    caf::io::scribe_ptr scribe;
    bool admitted = false;
    if (tls_) {
      auto session = caf::openssl::make_session(parent()->system(), fd, true);
      if (!session) {
        caf::io::network::close_socket(fd);
        gate_->refuse("tls_failed", "", "", "a connection whose TLS session failed");
        return false;
      }
      auto s = caf::make_counted<tls_scribe>(mpx, fd, gate_, true, std::move(session));
      admitted = s->admit();
      scribe = std::move(s);
    } else {
      auto s = caf::make_counted<tcp_scribe>(mpx, fd, gate_, true);
      admitted = s->admit();
      scribe = std::move(s);
    }
    if (!admitted) {
      // Says why before the scribe closes the socket as it goes (a few
      // bytes: a full send buffer just loses them).
      auto why = encode(refuse_body{"the node is busy: too many connections are still "
                                    "proving who they are; try again"});
      if (!tls_)
        ::send(fd, why.data(), why.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      return false;
    }
    auto hdl = scribe->hdl();
    parent()->add_scribe(std::move(scribe));
    return doorman::new_connection(&mpx, hdl);
  }

private:
  std::shared_ptr<gate> gate_;
  bool tls_;
};

class gated_middleman : public caf::io::middleman_actor_impl {
public:
  gated_middleman(caf::actor_config& cfg, caf::actor basp, std::shared_ptr<gate> g, bool tls)
    : caf::io::middleman_actor_impl(cfg, std::move(basp)), gate_(std::move(g)), tls_(tls) {
  }

  const char* name() const override { return "troupe_gated_middleman"; }

  void on_exit() override {
    caf::io::middleman_actor_impl::on_exit();
    // This detached actor's thread made OpenSSL's per-thread random
    // generators (the nonce of each connection it opens). CAF counts the
    // thread as gone before it ends, so main may reach OPENSSL_cleanup
    // while the thread's own cleanup is still to run: free them here.
    OPENSSL_thread_stop();
  }

protected:
  caf::expected<caf::io::scribe_ptr> connect(const std::string& host, uint16_t port) override {
    auto fd = caf::io::network::new_tcp_connection(host, port);
    if (!fd)
      return std::move(fd.error());
    caf::io::network::nonblocking(*fd, true);
    if (tls_) {
      auto session = caf::openssl::make_session(system(), *fd, false);
      if (!session) {
        caf::io::network::close_socket(*fd);
        return caf::sec::cannot_connect_to_node;
      }
      return caf::io::scribe_ptr{
        caf::make_counted<tls_scribe>(mpx(), *fd, gate_, false, std::move(session))};
    }
    return caf::io::scribe_ptr{caf::make_counted<tcp_scribe>(mpx(), *fd, gate_, false)};
  }

  caf::expected<caf::io::doorman_ptr> open(uint16_t port, const char* addr,
                                           bool reuse) override {
    auto fd = caf::io::network::new_tcp_acceptor_impl(port, addr, reuse);
    if (!fd)
      return std::move(fd.error());
    return caf::io::doorman_ptr{caf::make_counted<gated_doorman>(mpx(), *fd, gate_, tls_)};
  }

private:
  default_multiplexer& mpx() {
    return static_cast<default_multiplexer&>(system().middleman().backend());
  }

  std::shared_ptr<gate> gate_;
  bool tls_;
};

} // namespace

caf::io::middleman_actor spawn_gated_middleman(caf::actor_system& sys, std::shared_ptr<gate> g,
                                               bool tls) {
  auto basp = sys.middleman().named_broker<caf::io::basp_broker>(caf::atom("BASP"));
  return sys.spawn<gated_middleman, caf::detached + caf::hidden>(std::move(basp), std::move(g),
                                                                 tls);
}

} // namespace troupe::wire
