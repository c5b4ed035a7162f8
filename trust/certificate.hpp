#pragma once
/// Identities from certificates (TLS mode). A certificate made by
/// `scripts/make-certs` carries its role as a subjectAltName URI
/// `troupe:role:<node|operator|viewer>`; its subject's CN is the peer's name.
/// A peer proves it holds the certificate's key by signing the handshake's
/// nonces (trust/proof.hpp `signed_bytes`); the certificate must chain to
/// the CA of `--tls-ca`.

#include <memory>
#include <string>

#include "common/error.hpp"
#include "config/tls_files.hpp"
#include "trust/peer_directory.hpp"

namespace troupe::trust {

/// Certificates larger than this (DER) are refused before parsing.
constexpr size_t max_certificate_bytes = 16 * 1024;
constexpr size_t max_signature_bytes = 1024;

/// This process's certificate and key, and the CA it checks peers against.
class certificate_identity {
public:
  /// Loads the three files; errors name the file.
  static result<std::shared_ptr<const certificate_identity>> load(const config::tls_files& files);

  ~certificate_identity();
  certificate_identity(const certificate_identity&) = delete;
  certificate_identity& operator=(const certificate_identity&) = delete;

  /// This process's certificate, DER-encoded, as it is sent to a peer.
  const std::string& der() const { return der_; }

  /// Signs `data` with this process's key (SHA-256).
  result<std::string> sign(const std::string& data) const;

  /// Checks a peer's certificate (`der`) against the CA and its signature
  /// over `data`: the peer it names (role from the SAN URI, name from the
  /// CN), or why not.
  result<peer> verify(const std::string& der, const std::string& data,
                      const std::string& signature) const;

private:
  certificate_identity() = default;
  struct openssl_state;
  std::unique_ptr<openssl_state> ssl_;
  std::string der_;
};

} // namespace troupe::trust
