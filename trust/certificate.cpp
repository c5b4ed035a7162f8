#include "trust/certificate.hpp"

#include <cstdio>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "trust/trust_error.hpp"

namespace troupe::trust {

namespace {

template <class T, void (*Free)(T*)>
struct freer {
  void operator()(T* p) const { Free(p); }
};
using x509_ptr = std::unique_ptr<X509, freer<X509, X509_free>>;
using pkey_ptr = std::unique_ptr<EVP_PKEY, freer<EVP_PKEY, EVP_PKEY_free>>;
using store_ptr = std::unique_ptr<X509_STORE, freer<X509_STORE, X509_STORE_free>>;
using store_ctx_ptr = std::unique_ptr<X509_STORE_CTX, freer<X509_STORE_CTX, X509_STORE_CTX_free>>;
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, freer<EVP_MD_CTX, EVP_MD_CTX_free>>;

error bad(const std::string& what) { return make_error(trust_errc::bad_proof, what); }

/// The role in a `troupe:role:<role>` subjectAltName URI, if any.
std::optional<role> role_in(X509* cert) {
  auto* names = static_cast<GENERAL_NAMES*>(
    X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr)
    return std::nullopt;
  std::optional<role> found;
  const std::string prefix = "troupe:role:";
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    auto* name = sk_GENERAL_NAME_value(names, i);
    if (name->type != GEN_URI)
      continue;
    auto* uri = name->d.uniformResourceIdentifier;
    std::string text(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                     static_cast<size_t>(ASN1_STRING_length(uri)));
    if (text.compare(0, prefix.size(), prefix) == 0)
      found = parse_role(text.substr(prefix.size()));
  }
  GENERAL_NAMES_free(names);
  return found;
}

std::string common_name(X509* cert) {
  char buf[256] = {0};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof(buf) - 1);
  return buf;
}

} // namespace

struct certificate_identity::openssl_state {
  pkey_ptr key;
  store_ptr store;
};

certificate_identity::~certificate_identity() = default;

result<std::shared_ptr<const certificate_identity>>
certificate_identity::load(const config::tls_files& files) {
  std::shared_ptr<certificate_identity> self{new certificate_identity};
  self->ssl_ = std::make_unique<openssl_state>();
  auto* f = std::fopen(files.cert.c_str(), "r");
  if (f == nullptr)
    return make_error(trust_errc::bad_file, files.cert + ": cannot be read");
  x509_ptr cert{PEM_read_X509(f, nullptr, nullptr, nullptr)};
  std::fclose(f);
  if (!cert)
    return make_error(trust_errc::bad_file, files.cert + ": no PEM certificate");
  unsigned char* der = nullptr;
  int len = i2d_X509(cert.get(), &der);
  if (len <= 0)
    return make_error(trust_errc::bad_file, files.cert + ": cannot be encoded");
  self->der_.assign(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  f = std::fopen(files.key.c_str(), "r");
  if (f == nullptr)
    return make_error(trust_errc::bad_file, files.key + ": cannot be read");
  self->ssl_->key.reset(PEM_read_PrivateKey(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  if (!self->ssl_->key)
    return make_error(trust_errc::bad_file, files.key + ": no unencrypted PEM private key");
  self->ssl_->store.reset(X509_STORE_new());
  if (X509_STORE_load_locations(self->ssl_->store.get(), files.ca.c_str(), nullptr) != 1)
    return make_error(trust_errc::bad_file, files.ca + ": no PEM CA certificate");
  return std::shared_ptr<const certificate_identity>{std::move(self)};
}

result<std::string> certificate_identity::sign(const std::string& data) const {
  md_ctx_ptr ctx{EVP_MD_CTX_new()};
  size_t len = 0;
  if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, ssl_->key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
    return bad("this process's key cannot sign");
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
    return bad("this process's key cannot sign");
  sig.resize(len);
  return sig;
}

result<peer> certificate_identity::verify(const std::string& der, const std::string& data,
                                          const std::string& signature) const {
  if (der.size() > max_certificate_bytes || signature.size() > max_signature_bytes)
    return bad("certificate or signature too large");
  auto* p = reinterpret_cast<const unsigned char*>(der.data());
  x509_ptr cert{d2i_X509(nullptr, &p, static_cast<long>(der.size()))};
  if (!cert)
    return bad("not a DER certificate");
  store_ctx_ptr ctx{X509_STORE_CTX_new()};
  if (X509_STORE_CTX_init(ctx.get(), ssl_->store.get(), cert.get(), nullptr) != 1 ||
      X509_verify_cert(ctx.get()) != 1)
    return bad(std::string{"certificate not signed by the CA: "} +
               X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get())));
  auto r = role_in(cert.get());
  if (!r)
    return bad("certificate carries no troupe:role:<role> URI");
  pkey_ptr key{X509_get_pubkey(cert.get())};
  md_ctx_ptr md{EVP_MD_CTX_new()};
  if (!key ||
      EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                       data.size()) != 1)
    return bad("signature does not verify with the certificate's key");
  return peer{common_name(cert.get()), *r, ""};
}

} // namespace troupe::trust
