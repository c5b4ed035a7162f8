#pragma once
/// The signed one-click unsubscribe link of an email (RFC 8058):
///
///   BASE/v1/unsubscribe?customer=ID&campaign=ID&sig=SIG
///
/// SIG = the first 32 characters of base64url(HMAC-SHA256(key,
/// "troupe-unsubscribe-v1" NUL customer NUL campaign)): 192 bits, so a
/// link for one customer cannot be made from another's, nor guessed. The
/// key is the cluster's (--unsubscribe-key-file, the same file on every
/// member), so any member verifies a link any member made.

#include <optional>
#include <string>
#include <string_view>

namespace troupe::contact_policy {

/// The shortest key accepted, bytes.
inline constexpr std::size_t min_unsubscribe_key_bytes = 32;
/// The longest customer or campaign id a link carries (the ids' own limit
/// is lower; this bounds what an unauthenticated request may make us hash).
inline constexpr std::size_t max_unsubscribe_id_bytes = 256;

class unsubscribe_link {
public:
  /// `key`: at least min_unsubscribe_key_bytes bytes. `base`: the node's
  /// public URL ("https://mail.shop.example"), without a trailing '/'.
  unsubscribe_link(std::string key, std::string base);

  /// The link for `customer` of a message of `campaign`.
  std::string url(std::string_view customer, std::string_view campaign) const;

  /// The signature of the pair (what `url` puts after sig=).
  std::string signature(std::string_view customer, std::string_view campaign) const;

  /// True when `sig` is the pair's signature (compared in constant time).
  bool verify(std::string_view customer, std::string_view campaign,
              std::string_view sig) const;

private:
  std::string key_;
  std::string base_;
};

/// `text` percent-encoded for a URL's query (RFC 3986 unreserved kept).
std::string url_encode(std::string_view text);

/// The value of `name` in a query string ("a=1&b=2"), percent-decoded; ""
/// when absent, nullopt when malformed (a bad %XX).
std::optional<std::string> query_value(std::string_view query, std::string_view name);

} // namespace troupe::contact_policy
