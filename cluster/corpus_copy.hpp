#pragma once
/// A primary's first step of a catch-up: the corpus versions the new
/// replica lacks. Every member must cite from the same corpus, and a corpus
/// import reaches the members alive at the time; a member that comes back
/// with an empty data dir, or missed an import while it was down, would
/// otherwise run its shards' campaigns with no documents to cite.
///
/// The sender asks the replica's member gateway which of its versions in
/// use (storage::corpus_versions_in_use: the current one and those its
/// campaigns pin) that it holds itself the replica has not committed
/// (corpus_atom), then sends each such
/// version as a corpus import would: begin, its documents as JSON lines in
/// chunks of at most 1,000 lines or 4 MiB under that version number, commit.
/// A version is read only once committed, so a copy cut short is never
/// read, and is sent again by the next catch-up (a version's documents are
/// the same on every member: what a copy cut short left is rewritten, never
/// wrong). The whole step has 10 minutes. A member of an earlier release,
/// which does not answer the question, is warned about and skipped.
/// Blocking: runs on the handoff sender's thread, before the shard is
/// sealed.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "common/error.hpp"
#include "storage/store.hpp"

namespace troupe::cluster {

/// What a corpus copy sent.
struct corpus_sent {
  std::vector<uint64_t> versions; ///< the versions the replica lacked, ascending
  uint64_t documents = 0;
};

/// Sends `target` (the member gateway of replica `to`) the corpus versions
/// of `db` it lacks. An error names the version and what went wrong.
result<corpus_sent> copy_corpus(caf::blocking_actor* self, const storage::store& db,
                                const caf::actor& target, const std::string& to);

} // namespace troupe::cluster
