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

/// Counts a refused line in `out`, its reason kept while `out` holds fewer
/// than `max_errors_per_chunk`.
void reject_line(import_result& out, uint64_t line, std::string reason);

/// The record lines of `chunk`, each parsed by `parse` (a line ->
/// result<Record>) and checked by `over` (a record -> limit_breach): blank
/// lines are skipped; a line over --max-line-bytes, one that does not
/// parse and a record over a limit are rejected in `out` with their line
/// number and reason; `take(index, line_no, record)` gets the others.
template <class Parse, class Over, class Take>
void for_each_record(const import_chunk& chunk, const config::input_limits& limits,
                     import_result& out, Parse&& parse, Over&& over, Take&& take) {
  for (std::size_t i = 0; i < chunk.lines.size(); ++i) {
    auto line_no = chunk.line_of(i);
    const auto& line = chunk.lines[i];
    if (line.find_first_not_of(" \t\r") == std::string::npos)
      continue; // blank lines are not records
    if (auto breach = line_over_limit(line, limits)) {
      reject_line(out, line_no, *breach);
      continue;
    }
    auto record = parse(line);
    if (!record) {
      reject_line(out, line_no, record.err().message());
      continue;
    }
    if (auto breach = over(*record)) {
      reject_line(out, line_no, *breach);
      continue;
    }
    take(i, line_no, *record);
  }
}

} // namespace troupe::customers
