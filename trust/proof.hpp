#pragma once
/// Proof of a shared secret without sending it: each side answers the
/// other's random nonce with an HMAC-SHA256 over both nonces, the side it
/// speaks for and the name it claims, keyed by the secret.
///
///   client -> server  proof_of(secret, side::client, server_nonce, client_nonce, name)
///   server -> client  proof_of(secret, side::server, server_nonce, client_nonce, name)
///
/// The side in the input keeps one answer from being replayed as the other;
/// fresh nonces keep an answer from being replayed in a later connection.

#include <array>
#include <cstdint>
#include <string>

namespace troupe::trust {

constexpr size_t nonce_bytes = 32;
constexpr size_t proof_bytes = 32;

using nonce = std::array<uint8_t, nonce_bytes>;
using proof = std::array<uint8_t, proof_bytes>;

enum class side : uint8_t { client = 1, server = 2 };

/// A nonce from OpenSSL's CSPRNG.
nonce fresh_nonce();

/// The HMAC-SHA256 described above.
proof proof_of(const std::string& secret, side who, const nonce& server_nonce,
               const nonce& client_nonce, const std::string& name);

/// The bytes a signature (certificate mode) covers: the same fields.
std::string signed_bytes(side who, const nonce& server_nonce, const nonce& client_nonce,
                         const std::string& name);

/// Compares in constant time.
bool same_proof(const proof& a, const proof& b);

} // namespace troupe::trust
