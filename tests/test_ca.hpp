#pragma once
/// A throwaway CA and certificates for tests of certificate mode, made with
/// the `openssl` command in a directory the test owns. A certificate
/// carries its role as scripts/make-certs writes it: a subjectAltName URI
/// `troupe:role:<role>` (or none, for a certificate that names no role).
/// Keys are EC P-256, not make-certs' RSA 2048: they take milliseconds to
/// make, and signing and verifying do not depend on the key type.

#include <cstdlib>
#include <filesystem>
#include <string>

#include "config/tls_files.hpp"

namespace troupe::test {

class test_ca {
public:
  explicit test_ca(std::filesystem::path dir) : dir_(std::move(dir)) {}

  static constexpr const char* new_key =
      "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";

  /// A self-signed CA: name.pem, name.key. False when openssl failed.
  bool make_ca(const std::string& name) const {
    return sh("openssl req -x509 " + std::string{new_key} + " -keyout " + name +
              ".key -out " + name + ".pem -days 2 -subj /CN=troupe-test-" + name);
  }

  /// name.pem, name.key signed by the CA `ca`, with subject CN=`name` and
  /// the URI `troupe:role:<role>` (no subjectAltName when `role` is empty).
  bool make_cert(const std::string& name, const std::string& ca,
                 const std::string& role) const {
    std::string ext = role.empty() ? "keyUsage=digitalSignature"
                                   : "subjectAltName=URI:troupe:role:" + role;
    return sh("echo " + ext + " > " + name + ".ext && openssl req " + new_key +
              " -keyout " + name + ".key -out " + name + ".csr -subj /CN=" + name +
              " && openssl x509 -req -in " + name + ".csr -CA " + ca + ".pem -CAkey " +
              ca + ".key -CAcreateserial -extfile " + name + ".ext -out " + name +
              ".pem -days 2");
  }

  /// --tls-cert/--tls-key/--tls-ca for the certificate `name` and the CA `ca`.
  config::tls_files files(const std::string& name, const std::string& ca) const {
    return {path(name + ".pem"), path(name + ".key"), path(ca + ".pem")};
  }

  std::string path(const std::string& file) const { return (dir_ / file).string(); }

private:
  bool sh(const std::string& command) const {
    auto line = "cd '" + dir_.string() + "' && (" + command + ") >>openssl.log 2>&1";
    return std::system(line.c_str()) == 0;
  }

  std::filesystem::path dir_;
};

} // namespace troupe::test
