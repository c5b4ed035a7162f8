#pragma once
/// The certificate, key and CA files of `--tls-cert/--tls-key/--tls-ca`,
/// shared by troupe-node and troupe-shell. All three or none: with them,
/// every connection between nodes and from the shell is TLS and both ends
/// must present a certificate signed by the CA. Parsing checks that the
/// files load and that the key belongs to the certificate, so a bad file is
/// an error naming the option at startup, not a failure at the first
/// connection.

#include <string>

#include "common/error.hpp"

namespace troupe::config {

struct tls_files {
  std::string cert;   ///< PEM certificate (chain) of this process
  std::string key;    ///< its PEM private key, unencrypted
  std::string ca;     ///< PEM certificate(s) of the CA that signs every member

  bool enabled() const { return !cert.empty(); }
};

/// Checks the three paths as given on the command line (all empty: TLS off).
result<tls_files> check_tls_files(const std::string& cert, const std::string& key,
                                  const std::string& ca);

} // namespace troupe::config
