#include "wire/gated_scribe.hpp"

#include "common/log.hpp"

namespace troupe::wire {

gated_session::gated_session(std::shared_ptr<gate> g, bool accepting, std::string address,
                             uint16_t port)
  : gate_(std::move(g)), accepting_(accepting),
    address_(address + ":" + std::to_string(port)), port_(port),
    id_(gate_->next_connection_id()) {
  if (accepting_)
    server_.emplace(gate_->creds());
  else
    client_.emplace(gate_->creds());
}

gated_session::~gated_session() {
  if (admitted_)
    gate_->end_unauthenticated(id_);
  gate_->peers().unbind(id_);
}

void gated_session::set_evict(std::function<void()> evict) {
  admitted_ = gate_->begin_unauthenticated(id_, std::move(evict));
  if (!admitted_) {
    gate_->refuse("too_many_unauthenticated", "", address_,
                  "a connection while " + std::to_string(gate_->limits().max_unauthenticated) +
                    " others were still proving themselves");
    phase_ = phase::closed;
  }
}

gated_session::step gated_session::refuse(std::string reason, std::string what,
                                          std::string send) {
  close(reason, what);
  step s;
  s.send = std::move(send);
  s.refusal = std::move(reason);
  return s;
}

void gated_session::close(const std::string& reason, const std::string& what) {
  if (phase_ == phase::closed)
    return;
  phase_ = phase::closed;
  if (admitted_) {
    gate_->end_unauthenticated(id_);
    admitted_ = false;
  }
  gate_->refuse(reason, peer_ ? peer_->name : "", address_, what);
}

gated_session::step gated_session::start() {
  step s;
  if (phase_ == phase::closed) {
    s.refusal = "too_many_unauthenticated";
    return s;
  }
  if (client_)
    s.send = hello_frame();
  s.read_next = frame_header_bytes;
  return s;
}

gated_session::step gated_session::on_preamble(const char* data, size_t n) {
  if (phase_ == phase::frame_header) {
    header_ = n == frame_header_bytes ? parse_header(data) : std::nullopt;
    if (!header_)
      return refuse("not_a_troupe_peer", "bytes that are not a Troupe preamble");
    phase_ = phase::frame_body;
    step s;
    s.read_next = header_->length;
    if (s.read_next > 0)
      return s;
    return on_preamble(data, 0);
  }
  std::string body(data, n);
  auto type = header_->type;
  phase_ = phase::frame_header;
  step s;
  s.read_next = frame_header_bytes;
  if (server_ && !said_hello_) {
    if (type != frame_type::hello || !is_hello(body))
      return refuse("unexpected_preamble", "a first frame that is no hello of this version");
    said_hello_ = true;
    s.send = server_->challenge_frame();
    return s;
  }
  if (server_) {
    if (type != frame_type::proof)
      return refuse("unexpected_preamble", "a preamble frame out of order");
    auto out = server_->on_proof(body);
    if (!out.peer)
      return refuse("authentication_failed", out.reason, std::move(out.reply));
    peer_ = std::move(out.peer);
    peer_->address = address_;
    s.send = std::move(out.reply);
  } else if (type == frame_type::challenge) {
    auto proof = client_->on_challenge(body);
    if (!proof) {
      gate_->note_refused(port_, proof.err());
      return refuse("authentication_failed", proof.err().message());
    }
    s.send = std::move(*proof);
    return s;
  } else if (type == frame_type::accept) {
    auto server = client_->on_accept(body);
    if (!server) {
      gate_->note_refused(port_, server.err());
      return refuse("authentication_failed", server.err().message());
    }
    peer_ = std::move(*server);
    peer_->address = address_;
  } else if (type == frame_type::refuse) {
    auto why = client_->on_refuse(body);
    if (gate_->note_refused(port_, why)) // a node retrying logs each reason once
      log::warn("wire", "the node at ", address_, " refused this connection: ", why.message());
    phase_ = phase::closed;
    s.refusal = "refused_by_peer";
    return s;
  } else {
    return refuse("unexpected_preamble", "a preamble frame out of order");
  }
  // Proved: BASP may start.
  phase_ = phase::open;
  if (admitted_) {
    gate_->end_unauthenticated(id_);
    admitted_ = false;
  }
  filter_.emplace(peer_->role, accepting_, gate_->limits().max_message_bytes,
                  gate_->public_actor(), gate_->self_node());
  s.read_next = 0;
  s.opened = true;
  return s;
}

std::string gated_session::on_basp(char* data, size_t n) {
  auto v = filter_->feed(data, n);
  // Counted, not logged: CAF itself sends one such message from every
  // shell (its SpawnServ's answer to the node's hello), and a log line for
  // each shell user would bury the ones that matter.
  if (!v.dropped.empty())
    gate_->tally(v.dropped);
  if (v.refusal.empty() && v.announced && !gate_->peers().bind(*v.announced, id_, *peer_))
    v.refusal = "node_id_taken";
  if (!v.refusal.empty())
    close(v.refusal, "a BASP frame");
  return v.refusal;
}

bool gated_session::may_read(size_t bytes) const {
  return bytes <= gate_->limits().max_message_bytes;
}

} // namespace troupe::wire
