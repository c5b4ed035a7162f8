// Fuzz target: what parses import lines on a node. A shell's import, or a
// member routing its part of one, sends a customers::import_chunk (lines,
// the file's line numbers, a kind); the storage actor hands customers and
// corpus chunks to customers::import_lines and event chunks to
// customers::ingest_events, which parse each line (storage/json_codec) and
// write the good ones. The chunk is built from the input as a peer could
// send it: any kind, any first line, any list of line numbers.
//
// Invariants: a chunk is imported, never a crash or a read out of bounds;
// no more records are counted than lines sent; at most
// max_errors_per_chunk reasons come back.

#include <cstddef>
#include <cstdint>
#include <string>

#include <fuzzer/FuzzedDataProvider.h>

#include "customers/event_ingest.hpp"
#include "customers/import_types.hpp"
#include "customers/storage_actor.hpp"
#include "fuzz/check.hpp"
#include "fuzz/temp_store.hpp"
#include "storage/shard_writer.hpp"

using namespace troupe;
using customers::import_kind;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto& db = fuzz::temp_store(4);
  // Customers and events are written as a node alone writes them.
  static auto writer =
    storage::local_writer_of(std::shared_ptr<storage::store>(&db, [](storage::store*) {}));
  FuzzedDataProvider in{data, size};
  customers::import_chunk chunk;
  chunk.kind = in.PickValueInArray({import_kind::customers, import_kind::corpus,
                                    import_kind::events});
  chunk.first_line = in.ConsumeIntegral<uint64_t>();
  auto numbers = in.ConsumeIntegralInRange<size_t>(0, 8);
  for (size_t i = 0; i < numbers; ++i)
    chunk.line_numbers.push_back(in.ConsumeIntegral<uint64_t>());
  auto text = in.ConsumeRemainingBytesAsString();
  for (size_t at = 0; at <= text.size();) {
    auto end = std::min(text.find('\n', at), text.size());
    chunk.lines.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  auto r = chunk.kind == import_kind::events ? customers::ingest_events(db, *writer, chunk)
                                             : customers::import_lines(db, *writer, chunk);
  FUZZ_CHECK(r.imported + r.rejected + r.duplicates <= chunk.lines.size(),
             "no more records counted than lines sent");
  FUZZ_CHECK(r.errors.size() <= customers::max_errors_per_chunk, "errors are bounded");
  for (const auto& e : r.errors)
    FUZZ_CHECK(!e.reason.empty(), "an error says why");
  return 0;
}
