#pragma once
/// Corpus versions. Every `import corpus` is a new version: it begins (the
/// node hands out the next number), writes its documents under that number
/// (key: version, 8 bytes big endian, + document id), and commits (the
/// version becomes the current one). A campaign pins the current version
/// when it starts and reads only that version's documents, at its start and
/// at every resume: a corpus imported later applies to campaigns started
/// after it. A version that never commits (the shell died) is never read.
/// Metadata keys: "corpus_next" (last number handed out), "corpus_current".
/// Single writer: the node's storage actor.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

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

} // namespace troupe::storage
