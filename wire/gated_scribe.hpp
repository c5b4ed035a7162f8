#pragma once
/// A CAF scribe (one TCP or TLS connection of the BASP broker) with the
/// gate in front: it speaks the preamble (wire/preamble.hpp) before BASP
/// sees a byte, holds BASP's own writes until the peer proved who it is,
/// then passes each frame the BASP filter allows. A refused peer is
/// counted, logged and disconnected; nothing it sent reaches BASP.
///
/// `Policy` is CAF's stream policy: `caf::policy::tcp` or wire's TLS one.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/io/network/default_multiplexer.hpp>
#include <caf/io/network/stream_impl.hpp>
#include <caf/io/receive_policy.hpp>
#include <caf/io/scribe.hpp>

#include "wire/basp_filter.hpp"
#include "wire/gate.hpp"
#include "wire/handshake.hpp"

namespace troupe::wire {

/// The part of a gated scribe that does not depend on the stream policy.
class gated_session {
public:
  gated_session(std::shared_ptr<gate> g, bool accepting, std::string address, uint16_t port);
  ~gated_session();

  enum class phase { frame_header, frame_body, open, closed };

  /// What the scribe should do after the session looked at some bytes.
  struct step {
    std::string send;            ///< bytes to write now (a preamble frame)
    size_t read_next = 0;        ///< preamble bytes to read next (0: none)
    bool opened = false;         ///< BASP may start: release held writes
    std::string refusal;         ///< non-empty: close the connection
  };

  /// Called once the connection is up: a server sends its challenge.
  step start();
  /// Preamble bytes (exactly what `read_next` asked for).
  step on_preamble(const char* data, size_t n);
  /// BASP bytes in the open phase (neutralized in place where they must
  /// not reach their receiver): empty when they may pass, else the refusal.
  std::string on_basp(char* data, size_t n);
  /// Whether BASP may read `bytes` at once (its next payload).
  bool may_read(size_t bytes) const;

  phase current() const { return phase_; }
  void close(const std::string& reason, const std::string& what);
  uint64_t id() const { return id_; }
  /// Registered with the gate's unauthenticated connections (accepting side).
  bool admitted() const { return admitted_; }
  void set_evict(std::function<void()> evict);

private:
  step refuse(std::string reason, std::string what, std::string send = {});

  std::shared_ptr<gate> gate_;
  bool accepting_;
  std::string address_;
  uint16_t port_;
  uint64_t id_;
  bool admitted_ = false;
  bool said_hello_ = false; ///< server: the client's hello came
  phase phase_ = phase::frame_header;
  std::optional<frame_header> header_;
  std::optional<server_handshake> server_;
  std::optional<client_handshake> client_;
  std::optional<trust::peer> peer_;
  std::optional<basp_filter> filter_;
};

template <class Policy>
class gated_scribe : public caf::io::scribe {
public:
  template <class... Ts>
  gated_scribe(caf::io::network::default_multiplexer& mpx, caf::io::network::native_socket fd,
               std::shared_ptr<gate> g, bool accepting, Ts&&... policy_args)
    : caf::io::scribe(caf::io::network::conn_hdl_from_socket(fd)),
      stream_(mpx, fd, std::forward<Ts>(policy_args)...),
      session_(std::move(g), accepting, peer_address(fd), peer_port(fd)) {
  }

  /// Accepting side: false when the gate has no room for one more
  /// unauthenticated connection (the caller closes it).
  bool admit() {
    // The gate calls this only from the multiplexer thread, where this
    // scribe also ends; its session leaves the gate's list as it does.
    session_.set_evict([this] { evict(); });
    return session_.admitted();
  }

  void configure_read(caf::io::receive_policy::config config) override {
    if (session_.current() == gated_session::phase::open) {
      if (!session_.may_read(config.second)) {
        close("message_too_large", "a read larger than --max-message-bytes");
        return;
      }
      stream_.configure_read(config);
    } else {
      basp_read_ = config;
    }
    if (!launched_)
      launch();
  }

  void ack_writes(bool enable) override { stream_.ack_writes(enable); }

  std::vector<char>& wr_buf() override {
    return session_.current() == gated_session::phase::open ? stream_.wr_buf() : held_;
  }

  std::vector<char>& rd_buf() override { return stream_.rd_buf(); }

  void graceful_shutdown() override {
    stream_.graceful_shutdown();
    detach(&stream_.backend(), false);
  }

  void flush() override {
    if (session_.current() == gated_session::phase::open)
      stream_.flush(this);
  }

  std::string addr() const override { return peer_address(stream_.fd()); }
  uint16_t port() const override { return peer_port(stream_.fd()); }
  void add_to_loop() override { stream_.activate(this); }
  void remove_from_loop() override { stream_.passivate(); }

  bool consume(caf::execution_unit* ctx, const void* buf, size_t n) override {
    auto* data = static_cast<const char*>(buf);
    switch (session_.current()) {
      case gated_session::phase::open: {
        // `buf` is the stream's read buffer, which the filter may edit.
        auto refusal = session_.on_basp(stream_.rd_buf().data(), n);
        if (!refusal.empty()) {
          close_now(ctx);
          return false;
        }
        return caf::io::scribe::consume(ctx, buf, n);
      }
      case gated_session::phase::closed:
        return false;
      default:
        return apply(ctx, session_.on_preamble(data, n));
    }
  }

private:
  static std::string peer_address(caf::io::network::native_socket fd) {
    auto x = caf::io::network::remote_addr_of_fd(fd);
    return x ? *x : std::string{};
  }

  static uint16_t peer_port(caf::io::network::native_socket fd) {
    auto x = caf::io::network::remote_port_of_fd(fd);
    return x ? *x : 0;
  }

  void launch() {
    launched_ = true;
    // The preamble's first read is configured before the stream starts
    // reading (it sizes its buffer as it starts).
    if (!apply(&stream_.backend(), session_.start()))
      return;
    stream_.start(this);
    // TLS: drives SSL_accept/SSL_connect; plain TCP: a harmless empty write.
    stream_.force_empty_write(this);
  }

  /// Carries out what the session decided; false when the connection closes.
  bool apply(caf::execution_unit* ctx, const gated_session::step& s) {
    if (!s.send.empty()) {
      auto& out = stream_.wr_buf();
      out.insert(out.end(), s.send.begin(), s.send.end());
      stream_.flush(this);
    }
    if (!s.refusal.empty()) {
      close_now(ctx);
      return false;
    }
    if (s.read_next > 0)
      stream_.configure_read(caf::io::receive_policy::exactly(s.read_next));
    if (s.opened) {
      auto& out = stream_.wr_buf();
      out.insert(out.end(), held_.begin(), held_.end());
      held_.clear();
      held_.shrink_to_fit();
      if (basp_read_)
        stream_.configure_read(*basp_read_);
      stream_.flush(this);
    }
    return true;
  }

  void close(const std::string& reason, const std::string& what) {
    session_.close(reason, what);
    close_now(&stream_.backend());
  }

  void evict() {
    if (session_.current() == gated_session::phase::open ||
        session_.current() == gated_session::phase::closed)
      return;
    close("handshake_timeout", "a connection that did not prove itself in time");
  }

  void close_now(caf::execution_unit* ctx) {
    stream_.graceful_shutdown();
    detach(ctx, true);
  }

  bool launched_ = false;
  caf::io::network::stream_impl<Policy> stream_;
  gated_session session_;
  std::vector<char> held_;
  std::optional<caf::io::receive_policy::config> basp_read_;
};

} // namespace troupe::wire
