#include "config/tls_files.hpp"

#include <memory>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "config/config_error.hpp"

namespace troupe::config {

namespace {

/// OpenSSL's reason for the last failure, and the queue cleared.
std::string openssl_reason() {
  auto code = ERR_get_error();
  ERR_clear_error();
  if (code == 0)
    return "not a PEM file of the expected kind";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof(buf));
  return buf;
}

/// An encrypted key must fail to load, not prompt on the terminal.
int no_passphrase(char*, int, int, void*) { return 0; }

} // namespace

result<tls_files> check_tls_files(const std::string& cert, const std::string& key,
                                  const std::string& ca) {
  tls_files files{cert, key, ca};
  if (cert.empty() && key.empty() && ca.empty())
    return files;
  if (cert.empty())
    return bad_value("tls-cert", cert, "TLS needs --tls-cert, --tls-key and --tls-ca together");
  if (key.empty())
    return bad_value("tls-key", key, "TLS needs --tls-cert, --tls-key and --tls-ca together");
  if (ca.empty())
    return bad_value("tls-ca", ca, "TLS needs --tls-cert, --tls-key and --tls-ca together");
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx{SSL_CTX_new(TLS_method()),
                                                       &SSL_CTX_free};
  if (!ctx)
    return bad_value("tls-cert", cert, "OpenSSL cannot start: " + openssl_reason());
  SSL_CTX_set_default_passwd_cb(ctx.get(), &no_passphrase);
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), cert.c_str()) != 1)
    return bad_value("tls-cert", cert, "cannot load the certificate: " + openssl_reason());
  if (SSL_CTX_use_PrivateKey_file(ctx.get(), key.c_str(), SSL_FILETYPE_PEM) != 1)
    return bad_value("tls-key", key,
                     "cannot load the private key (it must be PEM, unencrypted): "
                       + openssl_reason());
  if (SSL_CTX_check_private_key(ctx.get()) != 1)
    return bad_value("tls-key", key, "the key does not belong to --tls-cert " + cert);
  if (SSL_CTX_load_verify_locations(ctx.get(), ca.c_str(), nullptr) != 1)
    return bad_value("tls-ca", ca, "cannot load the CA certificate: " + openssl_reason());
  return files;
}

} // namespace troupe::config
