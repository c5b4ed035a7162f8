#pragma once
/// Corpus versions. Every `import corpus` is a new version: it begins (the
/// node hands out the next number), writes its documents under that number
/// (key: version, 8 bytes big endian, + document id), and commits (the
/// version becomes the current one). A campaign pins the current version
/// when it starts and reads only that version's documents, at its start and
/// at every resume: a corpus imported later applies to campaigns started
/// after it. A version that never commits (the shell died) is never read.
/// Metadata keys: "corpus_next" (last number handed out), "corpus_current",
/// and "corpus_done" + version (8 bytes) for each version committed here
/// (a version half copied, or begun and abandoned, has none).
/// Single writer: the node's storage actor.
///
/// A corpus import reaches every member of a cluster; a member that comes
/// back with an empty data dir, or missed an import while it was down, is
/// given the versions it lacks by the primaries that copy shards to it
/// (cluster/corpus_copy.hpp): the current one and those campaigns pin.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "storage/store.hpp"

namespace troupe::storage {

/// The key of document `id` in corpus version `version`.
std::string document_key(uint64_t version, std::string_view id);

/// Adds document `d` of corpus `version` to `batch`.
void put_document(write_batch& batch, uint64_t version, const v1::ContentDocument& d);
/// The first key of `version` (its documents are [prefix, prefix_end(prefix))).
std::string corpus_prefix(uint64_t version);

/// Visits the documents of corpus `version` in id order; `visit` returns
/// false to stop.
status scan_corpus_version(const store& db, uint64_t version,
                           const std::function<bool(const v1::ContentDocument&)>& visit);

/// Hands out the next version number (not yet current).
/// `at_least` (not 0): use that version if no later one was begun here (a
/// cluster gives one corpus import the same version on every member).
result<uint64_t> begin_corpus_version(store& db, uint64_t at_least = 0);
/// Makes `version` the current one (unless a later one is current already).
status commit_corpus_version(store& db, uint64_t version);
/// The current version; 0 when no corpus was ever committed.
result<uint64_t> current_corpus_version(const store& db);

/// Marks, once per store, the versions committed before stores kept a mark
/// per version (every version up to the current one that has documents);
/// a no-op afterwards. The node calls it when it opens its store.
status mark_earlier_corpus_versions(store& db);

/// True if `version` was committed here (0: the empty corpus, always held).
result<bool> holds_corpus_version(const store& db, uint64_t version);

/// The versions a campaign here may read, ascending, 0 left out: the
/// current one and every campaign's pinned one.
result<std::vector<uint64_t>> corpus_versions_in_use(const store& db);

/// Those of `versions` not committed here, in the order given.
result<std::vector<uint64_t>> corpus_versions_lacking(const store& db,
                                                      const std::vector<uint64_t>& versions);

} // namespace troupe::storage
