#pragma once
/// What the shell streams to a node when importing JSON Lines, and what the
/// node answers per chunk; and the pages in which it reads records back.
/// Cross processes: registered in cluster/wire_types.

#include <cstdint>
#include <string>
#include <vector>

#include <optional>
#include <string_view>

#include <caf/meta/type_name.hpp>

namespace troupe::customers {

/// What an import chunk holds, or which step of a corpus version it is.
enum class import_kind : uint8_t { customers, corpus, corpus_begin, corpus_commit, events };

/// "customers", "corpus", "corpus-begin", "corpus-commit", "events".
const char* to_string(import_kind k);

/// The kinds a file may hold (customers, corpus, events); nullopt otherwise.
std::optional<import_kind> parse_import_kind(std::string_view text);

/// Which records of a campaign a page reads.
enum class record_kind : uint8_t { deliveries, dead_letters };

/// A run of consecutive lines of the file being imported. A corpus import
/// is one version (storage/corpus_versions.hpp): the shell first sends kind
/// "corpus-begin" (answered with the new `version`), then its chunks of
/// kind "corpus" with that version, then "corpus-commit" with it. A corpus
/// chunk with version 0 is a version of its own, committed at once.
struct import_chunk {
  import_kind kind = import_kind::customers;
  uint64_t first_line = 1;          ///< 1-based number of lines[0] in the file
  std::vector<std::string> lines;
  uint64_t version = 0;             ///< corpus version
  /// When not empty: the file line of each of `lines` (a chunk routed to
  /// the owners of its customers is no longer a run of consecutive lines).
  std::vector<uint64_t> line_numbers;

  /// A peer's chunk may list fewer numbers than lines (fuzz/import_chunk
  /// read past the list): the lines past it count on from `first_line`.
  uint64_t line_of(std::size_t i) const {
    return i < line_numbers.size() ? line_numbers[i] : first_line + i;
  }
};

struct import_error {
  uint64_t line = 0;
  std::string reason;
};

struct import_result {
  uint64_t imported = 0;
  uint64_t rejected = 0;
  uint64_t duplicates = 0;          ///< events: already stored, not written again
  uint64_t unmatched = 0;           ///< events: for a customer the campaign never delivered to
  uint64_t unknown_customers = 0;   ///< events: of a customer not imported (kept all the same)
  uint64_t version = 0;             ///< corpus: the version written
  std::vector<import_error> errors; ///< at most `max_errors_per_chunk`
  /// Indexes (into the chunk's lines) of the records whose shard this node
  /// does not serve: not written here, to be routed to their owner...
  std::vector<uint32_t> foreign;
  /// ...and those records' shards (parsed once, here).
  std::vector<uint32_t> foreign_shards;

  void add_foreign(std::size_t index, uint32_t shard) {
    foreign.push_back(static_cast<uint32_t>(index));
    foreign_shards.push_back(shard);
  }
};

inline constexpr std::size_t max_errors_per_chunk = 100;

/// One page of a campaign's deliveries or dead letters, as JSON lines.
struct record_page {
  std::vector<std::string> lines;
  std::string next;   ///< where the next page starts (pass it back as `after`)
  bool done = false;  ///< no more pages
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, record_page& x) {
  return f(caf::meta::type_name("troupe.record_page"), x.lines, x.next, x.done);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, import_chunk& x) {
  return f(caf::meta::type_name("troupe.import_chunk"), x.kind, x.first_line, x.lines,
           x.version, x.line_numbers);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, import_error& x) {
  return f(caf::meta::type_name("troupe.import_error"), x.line, x.reason);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, import_result& x) {
  return f(caf::meta::type_name("troupe.import_result"), x.imported, x.rejected, x.duplicates,
           x.unmatched, x.unknown_customers, x.version, x.errors, x.foreign, x.foreign_shards);
}

} // namespace troupe::customers
