#include "runtime/http_access.hpp"

#include <string_view>
#include <strings.h>

#include <openssl/crypto.h>

namespace troupe::runtime {

namespace {

bool same_secret(const std::string& a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace

http_reply json_reply(int code, const nlohmann::json& body) {
  return {code, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

http_reply error_reply(int code, const std::string& why) {
  return json_reply(code, {{"error", why}});
}

std::optional<http_reply> refuse_caller(const http_access& access,
                                        const std::optional<std::string>& authorization,
                                        trust::permission need, const std::string& roles) {
  if (!access.authentication_on)
    return std::nullopt;
  constexpr std::string_view scheme = "Bearer "; // the scheme's name is case-insensitive
  if (!authorization || authorization->size() < scheme.size()
      || ::strncasecmp(authorization->c_str(), scheme.data(), scheme.size()) != 0)
    return error_reply(401, "an Authorization: Bearer TOKEN header is needed (a token of "
                            "--tokens with the " + roles + " role)");
  auto secret = std::string_view{*authorization}.substr(scheme.size());
  for (const auto& t : access.tokens) {
    if (!same_secret(t.secret, secret))
      continue;
    if (trust::may(t.role, need))
      return std::nullopt;
    return error_reply(403, "token '" + t.name + "' has the "
                              + std::string{trust::to_string(t.role)} + " role: this needs "
                              + roles);
  }
  return error_reply(401, "unknown token");
}

} // namespace troupe::runtime
