#pragma once
/// A chunk of customer lines imported in two steps, so that the storage
/// actor can write one chunk while the import parser (import_parser.hpp)
/// parses the next:
///
///   parse_customer_lines   each line checked against the input limits,
///                          parsed (storage/customer_parser), its customer
///                          checked, its shard, key and record bytes taken;
///                          rejections counted with their line and reason
///   write_parsed_customers the records through the shard writer, shard by
///                          shard (storage/shard_writer); the lines of shards
///                          this node does not serve handed back as foreign
///
/// Together they are `import_lines` for customers (storage_actor.hpp).

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>

#include "config/input_limits.hpp"
#include "customers/import_types.hpp"
#include "sharding/shard_ownership.hpp"
#include "storage/shard_writer.hpp"
#include "storage/store.hpp"

namespace troupe::customers {

/// One customer line, parsed and checked.
struct parsed_customer {
  std::size_t index = 0; ///< in the chunk's lines
  uint64_t line = 0;     ///< its line number
  uint32_t shard = 0;
  std::string key;       ///< its record's key
  std::string bytes;     ///< its record
};

/// A chunk after parsing: the lines to write, and what was rejected so far
/// (`result.rejected`, `result.errors`).
struct parsed_customers {
  std::vector<parsed_customer> records;
  import_result result;
  /// The names of the records' extra attributes (storage/attribute_catalog).
  std::set<std::string> attribute_names;
};

/// Writes `parsed` (blocking) and records its attribute names once any of
/// it is written.
import_result write_and_catalog(storage::store& db, storage::shard_writer& writer,
                                sharding::shard_ownership* ownership, parsed_customers parsed);

parsed_customers parse_customer_lines(const storage::store& db, const import_chunk& chunk,
                                      const config::input_limits& limits);

/// Writes `parsed` (blocking); `result.imported` counts what was written.
/// With `ownership`, records of shards not served here go to `foreign`.
import_result write_parsed_customers(storage::shard_writer& writer,
                                     sharding::shard_ownership* ownership,
                                     parsed_customers parsed);

} // namespace troupe::customers

// Local only (the parser and the storage actor are on one node).
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::customers::parsed_customers)
