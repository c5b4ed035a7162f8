#include "customers/import_types.hpp"

namespace troupe::customers {

const char* to_string(import_kind k) {
  switch (k) {
    case import_kind::customers: return "customers";
    case import_kind::corpus: return "corpus";
    case import_kind::corpus_begin: return "corpus-begin";
    case import_kind::corpus_commit: return "corpus-commit";
    case import_kind::events: return "events";
  }
  return "unknown";
}

std::optional<import_kind> parse_import_kind(std::string_view text) {
  for (auto k : {import_kind::customers, import_kind::corpus, import_kind::events})
    if (text == to_string(k))
      return k;
  return std::nullopt;
}

} // namespace troupe::customers
