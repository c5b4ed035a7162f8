#pragma once
/// The preamble: what two ends of a cluster-port connection say before the
/// first BASP byte, to prove who they are (wire/handshake.hpp decides what).
///
///   client -> server  hello      {version}   (the client speaks first, so a
///                                             port that is no node's fails fast)
///   server -> client  challenge  {version, server nonce}
///   client -> server  proof      {kind, name, client nonce, proof, certificate}
///   server -> client  accept     {role, proof, certificate}  |  refuse {reason}
///
/// Each frame: "TRP" + type (1 byte) + body length (4 bytes, big-endian) +
/// body. Bodies are at most `max_body_bytes`: a peer that has not proved
/// anything can make a node hold no more than one frame of that size.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "trust/proof.hpp"
#include "trust/role.hpp"

namespace troupe::wire {

constexpr uint8_t preamble_version = 1;
constexpr size_t frame_header_bytes = 8;
constexpr size_t max_body_bytes = 40 * 1024;
constexpr size_t max_reason_bytes = 512;

enum class frame_type : uint8_t { challenge = 1, proof = 2, accept = 3, refuse = 4, hello = 5 };

/// The hello frame (its body is the version).
std::string hello_frame();
/// Whether a hello body is of this version.
bool is_hello(const std::string& body);

struct frame_header {
  frame_type type;
  uint32_t length;
};

/// The header at `p` (frame_header_bytes), or nullopt when it is not one of
/// ours (wrong magic, unknown type, a body over the limit).
std::optional<frame_header> parse_header(const char* p);

/// How a client proves itself.
enum class proof_kind : uint8_t {
  none = 0,        ///< nothing: accepted only by a node with authentication off
  secret = 1,      ///< a node: HMAC with the cluster secret
  token = 2,       ///< a shell: HMAC with its token's secret
  certificate = 3, ///< either: its certificate and a signature with its key
};

struct challenge_body {
  uint8_t version = preamble_version;
  trust::nonce server_nonce{};
};

struct proof_body {
  proof_kind kind = proof_kind::none;
  std::string name; ///< a node's name (secret); empty otherwise
  trust::nonce client_nonce{};
  std::string proof;       ///< HMAC (32 bytes) or signature
  std::string certificate; ///< DER, certificate kind only
};

struct accept_body {
  trust::role role = trust::role::open; ///< the role the server grants
  std::string proof;       ///< the server's HMAC or signature
  std::string certificate; ///< the server's DER certificate, certificate kind only
};

struct refuse_body {
  std::string reason;
};

std::string encode(const challenge_body& x);
std::string encode(const proof_body& x);
std::string encode(const accept_body& x);
std::string encode(const refuse_body& x);

/// Decoders: nullopt for a body that is malformed (short, long, a field
/// over its limit, an unknown kind or role).
std::optional<challenge_body> decode_challenge(const std::string& body);
std::optional<proof_body> decode_proof(const std::string& body);
std::optional<accept_body> decode_accept(const std::string& body);
std::optional<refuse_body> decode_refuse(const std::string& body);

} // namespace troupe::wire
