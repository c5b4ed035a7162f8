#pragma once
/// The rule for names operators choose (node ids, campaign ids): 1-64
/// letters, digits, '-', '_' or '.'. Safe in file names, keys and labels.

#include <cctype>
#include <string>
#include <string_view>
#include <utility>

#include <caf/meta/type_name.hpp>

namespace troupe {

inline constexpr const char* identifier_rule = "use 1-64 letters, digits, '-', '_' or '.'";

inline bool valid_identifier(std::string_view id) {
  if (id.empty() || id.size() > 64)
    return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
      return false;
  return true;
}

} // namespace troupe

namespace troupe {

/// A string id with a type of its own, so that a customer id cannot be
/// passed where a campaign id is meant (Redpanda's `model::` ids). Cheap to
/// copy, compares and orders like its string, and crosses processes (CAF's
/// inspect) as its string under the type's own name.
template <class Tag>
class strong_id {
public:
  strong_id() = default;
  explicit strong_id(std::string value) : value_(std::move(value)) {}

  const std::string& str() const { return value_; }
  bool empty() const { return value_.empty(); }

  friend bool operator==(const strong_id& a, const strong_id& b) { return a.value_ == b.value_; }
  friend bool operator!=(const strong_id& a, const strong_id& b) { return a.value_ != b.value_; }
  friend bool operator<(const strong_id& a, const strong_id& b) { return a.value_ < b.value_; }

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, strong_id& x) {
    return f(caf::meta::type_name(Tag::name), x.value_);
  }

private:
  std::string value_;
};

struct customer_id_tag { static constexpr const char* name = "troupe.customer_id"; };
struct campaign_id_tag { static constexpr const char* name = "troupe.campaign_id"; };
struct node_id_tag { static constexpr const char* name = "troupe.node_id"; };

using customer_id = strong_id<customer_id_tag>;
using campaign_id = strong_id<campaign_id_tag>;
using node_id = strong_id<node_id_tag>;

} // namespace troupe
