#include "contact_policy/unsubscribe_link.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace troupe::contact_policy {

namespace {

constexpr char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::size_t signature_chars = 32;

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

} // namespace

unsubscribe_link::unsubscribe_link(std::string key, std::string base)
    : key_(std::move(key)), base_(std::move(base)) {
  while (!base_.empty() && base_.back() == '/')
    base_.pop_back();
}

std::string unsubscribe_link::signature(std::string_view customer,
                                        std::string_view campaign) const {
  std::string input = "troupe-unsubscribe-v1";
  input += '\0';
  input.append(customer);
  input += '\0';
  input.append(campaign);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  std::string out;
  for (unsigned i = 0; i + 2 < len && out.size() < signature_chars; i += 3) {
    uint32_t v = (mac[i] << 16) | (mac[i + 1] << 8) | mac[i + 2];
    out += b64url[v >> 18];
    out += b64url[(v >> 12) & 63];
    out += b64url[(v >> 6) & 63];
    out += b64url[v & 63];
  }
  out.resize(signature_chars);
  return out;
}

bool unsubscribe_link::verify(std::string_view customer, std::string_view campaign,
                              std::string_view sig) const {
  if (sig.size() != signature_chars || customer.size() > max_unsubscribe_id_bytes ||
      campaign.size() > max_unsubscribe_id_bytes)
    return false;
  auto want = signature(customer, campaign);
  return CRYPTO_memcmp(want.data(), sig.data(), signature_chars) == 0;
}

std::string unsubscribe_link::url(std::string_view customer,
                                  std::string_view campaign) const {
  return base_ + "/v1/unsubscribe?customer=" + url_encode(customer) +
         "&campaign=" + url_encode(campaign) + "&sig=" + signature(customer, campaign);
}

std::string url_encode(std::string_view text) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (keep) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::optional<std::string> query_value(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    auto eq = pair.find('=');
    if (pair.substr(0, eq) != name)
      continue;
    auto raw = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '+') {
        out += ' ';
      } else if (raw[i] == '%') {
        if (i + 2 >= raw.size())
          return std::nullopt;
        int hi = hex_value(raw[i + 1]);
        int lo = hex_value(raw[i + 2]);
        if (hi < 0 || lo < 0)
          return std::nullopt;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
      } else {
        out += raw[i];
      }
    }
    return out;
  }
  return std::string{};
}

} // namespace troupe::contact_policy
