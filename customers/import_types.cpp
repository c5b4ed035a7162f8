#include "customers/import_types.hpp"

#include <iterator>

namespace troupe::customers {

namespace {

/// By the enum's value.
constexpr const char* import_kind_names[] = {"customers", "corpus", "corpus-begin",
                                             "corpus-commit", "events"};

} // namespace

const char* to_string(import_kind k) {
  auto i = static_cast<std::size_t>(k);
  return i < std::size(import_kind_names) ? import_kind_names[i] : "unknown";
}

std::optional<import_kind> parse_import_kind(std::string_view text) {
  for (auto k : {import_kind::customers, import_kind::corpus, import_kind::events})
    if (text == to_string(k))
      return k;
  return std::nullopt;
}

} // namespace troupe::customers
