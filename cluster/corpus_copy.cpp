#include "cluster/corpus_copy.hpp"

#include <algorithm>
#include <chrono>
#include <optional>

#include "actors/actor_error.hpp"
#include "actors/atoms.hpp"
#include "cluster/member_protocol.hpp"
#include "common/log.hpp"
#include "storage/corpus_versions.hpp"
#include "storage/json_codec.hpp"
#include "storage/storage_error.hpp"

namespace troupe::cluster {

namespace {

// Longer than the replica's own waits on its storage (30 s for the
// question, 120 s for an import chunk): its reason arrives, not a timeout.
constexpr auto ask_timeout = std::chrono::seconds(40);
constexpr auto chunk_timeout = std::chrono::seconds(150);
// The whole step: a slow replica does not hold a catch-up slot for long.
constexpr auto step_deadline = std::chrono::minutes(10);
constexpr std::size_t chunk_lines = 1000;
constexpr std::size_t chunk_bytes = 4 << 20;

error copy_failed(const std::string& to, const std::string& what) {
  return make_error(storage::storage_errc::io_error,
                    "the corpus could not be copied to node " + to + ": " + what);
}

/// Sends one import chunk of the corpus to `target`; an error says why it
/// was not taken whole.
status send_chunk(caf::blocking_actor* self, const caf::actor& target, const std::string& to,
                  customers::import_chunk chunk) {
  status out = status::success();
  auto version = chunk.version;
  auto step = customers::to_string(chunk.kind);
  self->request(target, chunk_timeout, local_atom::value, std::move(chunk))
    .receive(
      [&](customers::import_result& r) {
        if (r.rejected == 0)
          return;
        out = copy_failed(to, "version " + std::to_string(version) + ": "
                                + std::to_string(r.rejected) + " of its documents refused"
                                + (r.errors.empty() ? std::string{}
                                                    : " (" + r.errors.front().reason + ")"));
      },
      [&](caf::error& err) {
        out = copy_failed(to, std::string{step} + " of version " + std::to_string(version)
                                + ": " + actors::describe(err));
      });
  return out;
}

using deadline_t = std::chrono::steady_clock::time_point;

/// Sends version `v`: begin, its documents, commit.
result<uint64_t> send_version(caf::blocking_actor* self, const storage::store& db,
                              const caf::actor& target, const std::string& to, uint64_t v,
                              deadline_t deadline) {
  customers::import_chunk step;
  step.kind = customers::import_kind::corpus_begin;
  step.version = v;
  if (auto st = send_chunk(self, target, to, step); !st)
    return st.err();
  customers::import_chunk chunk;
  chunk.kind = customers::import_kind::corpus;
  chunk.version = v;
  std::size_t bytes = 0;
  uint64_t documents = 0;
  status sent = status::success();
  auto flush = [&] {
    if (chunk.lines.empty())
      return true;
    if (std::chrono::steady_clock::now() > deadline) {
      sent = copy_failed(to, "version " + std::to_string(v) + " not sent within "
                               + std::to_string(step_deadline.count()) + " minutes");
      return false;
    }
    auto next_line = chunk.first_line + chunk.lines.size();
    sent = send_chunk(self, target, to, std::move(chunk));
    chunk = {};
    chunk.kind = customers::import_kind::corpus;
    chunk.version = v;
    chunk.first_line = next_line;
    bytes = 0;
    return static_cast<bool>(sent);
  };
  auto scanned = storage::scan_corpus_version(db, v, [&](const v1::ContentDocument& d) {
    auto line = storage::document_to_json(d);
    if (!chunk.lines.empty() && bytes + line.size() + 1 > chunk_bytes && !flush())
      return false;
    bytes += line.size() + 1;
    chunk.lines.push_back(std::move(line));
    ++documents;
    return chunk.lines.size() < chunk_lines || flush();
  });
  if (!scanned)
    return scanned.err();
  if (!sent || !flush())
    return sent.err();
  step.kind = customers::import_kind::corpus_commit;
  if (auto st = send_chunk(self, target, to, step); !st)
    return st.err();
  return documents;
}

} // namespace

result<corpus_sent> copy_corpus(caf::blocking_actor* self, const storage::store& db,
                                const caf::actor& target, const std::string& to) {
  auto deadline = std::chrono::steady_clock::now() + step_deadline;
  auto in_use = storage::corpus_versions_in_use(db);
  if (!in_use)
    return in_use.err();
  // Only versions committed here: a campaign copied in may pin one this
  // node never got, which it must not pass on as complete.
  std::vector<uint64_t> held;
  for (auto v : *in_use) {
    auto h = storage::holds_corpus_version(db, v);
    if (!h)
      return h.err();
    if (*h)
      held.push_back(v);
  }
  corpus_sent out;
  if (held.empty())
    return out;
  if (held.size() > max_corpus_versions) // the oldest are the least likely read
    held.erase(held.begin(),
               held.begin() + static_cast<std::ptrdiff_t>(held.size() - max_corpus_versions));
  std::optional<error> failed;
  bool old_member = false;
  self->request(target, ask_timeout, actors::corpus_atom::value, held)
    .receive([&](std::vector<uint64_t>& lacking) { out.versions = std::move(lacking); },
             [&](caf::error& err) {
               old_member = err == caf::sec::unexpected_message;
               failed = copy_failed(to, "which versions it lacks: " + actors::describe(err));
             });
  if (old_member) { // a member of an earlier release: the shard's copy goes on
    log::warn("cluster", "node ", to, " does not take corpus copies (an earlier release?): "
              "its corpus is not checked");
    return out;
  }
  if (failed)
    return *failed;
  // Only versions asked about, each once.
  std::sort(out.versions.begin(), out.versions.end());
  out.versions.erase(std::unique(out.versions.begin(), out.versions.end()), out.versions.end());
  out.versions.erase(std::remove_if(out.versions.begin(), out.versions.end(),
                                    [&](uint64_t v) {
                                      return !std::binary_search(held.begin(), held.end(), v);
                                    }),
                     out.versions.end());
  for (auto v : out.versions) {
    auto documents = send_version(self, db, target, to, v, deadline);
    if (!documents)
      return documents.err();
    out.documents += *documents;
  }
  return out;
}

} // namespace troupe::cluster
