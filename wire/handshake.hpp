#pragma once
/// What each end of a connection proves and accepts in the preamble
/// (wire/preamble.hpp), without sockets: the gate's scribe feeds it frames
/// and sends what it returns.
///
/// A client proves itself with the strongest credential it has: its
/// certificate (TLS), else the cluster secret (a node), else its token (a
/// shell), else nothing. The server answers with its own proof over the
/// same nonces, so a client never speaks BASP to a node that could not
/// prove the secret (or certificate) too.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "trust/certificate.hpp"
#include "trust/credentials.hpp"
#include "trust/peer_directory.hpp"
#include "wire/preamble.hpp"

namespace troupe::wire {

/// What this process proves itself with and checks peers against.
struct credentials {
  std::string node_name;                     ///< a node's --node-id (empty in a shell)
  std::optional<std::string> cluster_secret; ///< --cluster-secret-file
  std::vector<trust::token> tokens;          ///< --tokens (nodes)
  std::optional<std::string> token_secret;   ///< --token-file / TROUPE_TOKEN (shells)
  std::shared_ptr<const trust::certificate_identity> certificate; ///< --tls-*

  /// Tokens, a cluster secret or TLS: peers must prove who they are.
  bool authentication_on() const {
    return cluster_secret.has_value() || !tokens.empty() || certificate != nullptr;
  }
};

/// With TLS files, loads this process's certificate identity into `creds`
/// (the node and the shell both prove themselves with it); errors name the file.
status load_certificate(credentials& creds, const config::tls_files& tls);

/// The accepting end.
class server_handshake {
public:
  explicit server_handshake(const credentials& creds);

  /// The first frame, sent as the connection opens.
  std::string challenge_frame() const;

  struct outcome {
    std::optional<trust::peer> peer; ///< who the client is; nullopt: refused
    std::string reason;              ///< why refused (also sent to the client)
    std::string reply;               ///< the accept or refuse frame to send
  };

  /// Checks the client's proof frame body.
  outcome on_proof(const std::string& body) const;

private:
  outcome refuse(std::string reason) const;
  outcome grant(trust::peer peer, proof_kind kind, const std::string& key,
                const proof_body& p) const;

  const credentials& creds_;
  trust::nonce server_nonce_;
};

/// The connecting end.
class client_handshake {
public:
  explicit client_handshake(const credentials& creds);

  /// The proof frame answering the server's challenge body.
  result<std::string> on_challenge(const std::string& body);

  /// The server as it proved itself in its accept body (a node: role
  /// `node`, or `open` when it runs without authentication).
  result<trust::peer> on_accept(const std::string& body) const;

  /// The server's refusal, as an error for whoever asked to connect.
  error on_refuse(const std::string& body) const;

private:
  const credentials& creds_;
  proof_kind kind_ = proof_kind::none;
  trust::nonce server_nonce_{};
  trust::nonce client_nonce_{};
};

} // namespace troupe::wire
