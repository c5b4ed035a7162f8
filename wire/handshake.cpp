#include "wire/handshake.hpp"

#include "trust/trust_error.hpp"

namespace troupe::wire {

namespace {

std::string as_string(const trust::proof& p) {
  return std::string(reinterpret_cast<const char*>(p.data()), p.size());
}

bool matches(const std::string& sent, const trust::proof& expected) {
  if (sent.size() != expected.size())
    return false;
  trust::proof got{};
  std::copy(sent.begin(), sent.end(), got.begin());
  return trust::same_proof(got, expected);
}

error refused(std::string why) {
  return trust::make_error(trust::trust_errc::bad_proof, std::move(why));
}

} // namespace

status load_certificate(credentials& creds, const config::tls_files& tls) {
  if (!tls.enabled())
    return status::success();
  auto identity = trust::certificate_identity::load(tls);
  if (!identity)
    return identity.err();
  creds.certificate = std::move(*identity);
  return status::success();
}

server_handshake::server_handshake(const credentials& creds)
  : creds_(creds), server_nonce_(trust::fresh_nonce()) {
}

std::string server_handshake::challenge_frame() const {
  challenge_body c;
  c.server_nonce = server_nonce_;
  return encode(c);
}

server_handshake::outcome server_handshake::refuse(std::string reason) const {
  return outcome{std::nullopt, reason, encode(refuse_body{reason})};
}

server_handshake::outcome server_handshake::grant(trust::peer peer, proof_kind kind,
                                                  const std::string& key,
                                                  const proof_body& p) const {
  accept_body a;
  a.role = peer.role;
  if (kind == proof_kind::secret || kind == proof_kind::token) {
    a.proof = as_string(
      trust::proof_of(key, trust::side::server, server_nonce_, p.client_nonce, p.name));
  } else if (kind == proof_kind::certificate) {
    auto sig = creds_.certificate->sign(
      trust::signed_bytes(trust::side::server, server_nonce_, p.client_nonce, p.name));
    if (!sig)
      return refuse(sig.err().message());
    a.proof = std::move(*sig);
    a.certificate = creds_.certificate->der();
  }
  return outcome{std::move(peer), "", encode(a)};
}

server_handshake::outcome server_handshake::on_proof(const std::string& body) const {
  auto p = decode_proof(body);
  if (!p)
    return refuse("malformed proof");
  if (!creds_.authentication_on())
    return grant(trust::peer{p->name.empty() ? "anonymous" : p->name, trust::role::open, ""},
                 proof_kind::none, "", *p);
  switch (p->kind) {
    case proof_kind::none:
      return refuse("authentication is on: present a token or a certificate");
    case proof_kind::secret: {
      if (!creds_.cluster_secret)
        return refuse("this node has no cluster secret (--cluster-secret-file)");
      auto expected = trust::proof_of(*creds_.cluster_secret, trust::side::client,
                                      server_nonce_, p->client_nonce, p->name);
      if (!matches(p->proof, expected))
        return refuse("the cluster secret does not match");
      return grant(trust::peer{"node " + p->name, trust::role::node, ""}, p->kind,
                   *creds_.cluster_secret, *p);
    }
    case proof_kind::token:
      for (const auto& t : creds_.tokens) {
        auto expected = trust::proof_of(t.secret, trust::side::client, server_nonce_,
                                        p->client_nonce, p->name);
        if (matches(p->proof, expected))
          return grant(trust::peer{t.name, t.role, ""}, p->kind, t.secret, *p);
      }
      return refuse("no token of this node matches");
    case proof_kind::certificate: {
      if (!creds_.certificate)
        return refuse("this node has no TLS CA to check certificates against");
      auto peer = creds_.certificate->verify(
        p->certificate,
        trust::signed_bytes(trust::side::client, server_nonce_, p->client_nonce, p->name),
        p->proof);
      if (!peer)
        return refuse(peer.err().message());
      return grant(std::move(*peer), p->kind, "", *p);
    }
  }
  return refuse("unknown proof kind");
}

client_handshake::client_handshake(const credentials& creds)
  : creds_(creds), client_nonce_(trust::fresh_nonce()) {
  if (creds_.certificate)
    kind_ = proof_kind::certificate;
  else if (creds_.cluster_secret)
    kind_ = proof_kind::secret;
  else if (creds_.token_secret)
    kind_ = proof_kind::token;
}

result<std::string> client_handshake::on_challenge(const std::string& body) {
  auto c = decode_challenge(body);
  if (!c || c->version != preamble_version)
    return refused("the peer's challenge is malformed or of another version");
  server_nonce_ = c->server_nonce;
  proof_body p;
  p.kind = kind_;
  p.client_nonce = client_nonce_;
  if (kind_ == proof_kind::secret) {
    p.name = creds_.node_name;
    p.proof = as_string(trust::proof_of(*creds_.cluster_secret, trust::side::client,
                                        server_nonce_, client_nonce_, p.name));
  } else if (kind_ == proof_kind::token) {
    p.proof = as_string(trust::proof_of(*creds_.token_secret, trust::side::client,
                                        server_nonce_, client_nonce_, p.name));
  } else if (kind_ == proof_kind::certificate) {
    auto sig = creds_.certificate->sign(
      trust::signed_bytes(trust::side::client, server_nonce_, client_nonce_, p.name));
    if (!sig)
      return sig.err();
    p.proof = std::move(*sig);
    p.certificate = creds_.certificate->der();
  } else {
    p.name = creds_.node_name;
  }
  return encode(p);
}

result<trust::peer> client_handshake::on_accept(const std::string& body) const {
  auto a = decode_accept(body);
  if (!a)
    return refused("the node's answer is malformed");
  std::string name = kind_ == proof_kind::secret ? creds_.node_name : "";
  switch (kind_) {
    case proof_kind::none:
      if (a->role != trust::role::open)
        return refused("the node requires authentication: give a token or certificate");
      return trust::peer{"node", trust::role::open, ""};
    case proof_kind::secret:
    case proof_kind::token: {
      const auto& key = kind_ == proof_kind::secret ? *creds_.cluster_secret
                                                    : *creds_.token_secret;
      auto expected =
        trust::proof_of(key, trust::side::server, server_nonce_, client_nonce_, name);
      if (a->role == trust::role::open || !matches(a->proof, expected))
        return refused(kind_ == proof_kind::secret
                         ? "the node does not prove the cluster secret: give every node "
                           "the same --cluster-secret-file"
                         : "the node does not prove the token: is it the node that "
                           "issued it?");
      return trust::peer{"node", trust::role::node, ""};
    }
    case proof_kind::certificate: {
      auto peer = creds_.certificate->verify(
        a->certificate,
        trust::signed_bytes(trust::side::server, server_nonce_, client_nonce_, name),
        a->proof);
      if (!peer)
        return refused("the node's certificate: " + peer.err().message());
      if (peer->role != trust::role::node)
        return refused("the peer's certificate is not a node's (role " +
                       std::string{trust::to_string(peer->role)} + ")");
      return std::move(*peer);
    }
  }
  return refused("unknown proof kind");
}

error client_handshake::on_refuse(const std::string& body) const {
  auto r = decode_refuse(body);
  return trust::make_error(trust::trust_errc::not_permitted,
                           "permission denied: " +
                             (r ? r->reason : std::string{"the node refused the connection"}));
}

} // namespace troupe::wire
