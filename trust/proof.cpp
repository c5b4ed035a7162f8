#include "trust/proof.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace troupe::trust {

nonce fresh_nonce() {
  nonce n{};
  if (RAND_bytes(n.data(), static_cast<int>(n.size())) != 1)
    throw std::runtime_error("OpenSSL's random generator failed");
  return n;
}

std::string signed_bytes(side who, const nonce& server_nonce, const nonce& client_nonce,
                         const std::string& name) {
  std::string data = "troupe-auth-v1";
  data.push_back(static_cast<char>(who));
  data.append(reinterpret_cast<const char*>(server_nonce.data()), server_nonce.size());
  data.append(reinterpret_cast<const char*>(client_nonce.data()), client_nonce.size());
  data.append(name);
  return data;
}

proof proof_of(const std::string& secret, side who, const nonce& server_nonce,
               const nonce& client_nonce, const std::string& name) {
  auto data = signed_bytes(who, server_nonce, client_nonce, name);
  proof out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len);
  return out;
}

bool same_proof(const proof& a, const proof& b) {
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace troupe::trust
