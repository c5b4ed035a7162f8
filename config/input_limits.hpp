#pragma once
/// The limits on what a node takes in from an import or a command: each a
/// flag of troupe-node (`add_input_limit_options`), a default, and a line in
/// the README. Over a limit, the item (a line, a chunk, a predicate) is
/// refused with an error naming the limit's flag, and nothing of it applied.

#include <cstddef>
#include <optional>
#include <string>

#include <boost/program_options.hpp>

#include "common/error.hpp"

namespace troupe::config {

struct input_limits {
  /// The longest JSON Lines line of an import (customers, corpus, events).
  std::size_t max_line_bytes = 1 << 20;
  /// The longest id: a customer's, a document's, an event's and the ids it names.
  std::size_t max_id_bytes = 256;
  /// A customer's attributes (fields the schema does not name) plus the
  /// items of its lists (categories and list attributes).
  std::size_t max_attributes = 1'000;
  /// The largest import chunk (the lines the shell sends in one message);
  /// the shell cuts its chunks at 4 MiB or 1,000 lines.
  std::size_t max_chunk_bytes = 16 << 20;
  /// The most lines in one import chunk.
  std::size_t max_chunk_lines = 10'000;
  /// The longest segment predicate (count, campaign create), in bytes.
  std::size_t max_predicate_bytes = 64 << 10;
  /// Its deepest nesting of parentheses and NOTs (at most 100: the parser
  /// and the evaluator recurse once per level).
  std::size_t max_predicate_depth = 100;
  /// The largest body of a `POST /v1/events`.
  std::size_t max_events_body_bytes = 4 << 20;
  /// The most events in one `POST /v1/events` (the import chunk it becomes).
  std::size_t max_events_per_request = 1'000;
};

/// A predicate longer than --max-predicate-bytes: the reason, naming it.
std::optional<std::string> predicate_over_limit(const std::string& predicate,
                                                const input_limits& limits);

/// Adds --max-line-bytes, --max-id-bytes, --max-attributes,
/// --max-chunk-bytes, --max-chunk-lines, --max-predicate-bytes,
/// --max-predicate-depth, --max-events-body-bytes and --max-events-per-request.
void add_input_limit_options(boost::program_options::options_description& desc);

/// Reads and range-checks them (each names its flag when out of range).
result<input_limits> input_limit_options(const boost::program_options::variables_map& vm);

} // namespace troupe::config
