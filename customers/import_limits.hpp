#pragma once
/// The node's input limits (config/input_limits.hpp) applied to an import:
/// a chunk as a whole, a line before it is parsed, a record after. Each
/// answer is the reason the item is refused, naming the limit's flag; none
/// when it is within.

#include <optional>
#include <string>
#include <string_view>

#include "config/input_limits.hpp"
#include "customers/import_types.hpp"
#include "troupe.pb.h"

namespace troupe::customers {

using limit_breach = std::optional<std::string>;

/// Too many lines or bytes in one chunk (the whole chunk is refused; the
/// reason names its lines).
limit_breach chunk_over_limit(const import_chunk& chunk, const config::input_limits& limits);

/// A line longer than --max-line-bytes (refused unparsed).
limit_breach line_over_limit(std::string_view line, const config::input_limits& limits);

/// An id over --max-id-bytes, or more attributes and list items than
/// --max-attributes.
limit_breach customer_over_limit(const v1::Customer& c, const config::input_limits& limits);
limit_breach document_over_limit(const v1::ContentDocument& d,
                                 const config::input_limits& limits);
limit_breach event_over_limit(const v1::Event& e, const config::input_limits& limits);

} // namespace troupe::customers
