#include "storage/corpus_versions.hpp"

#include <algorithm>

#include "storage/keys.hpp"

namespace troupe::storage {

namespace {

constexpr std::string_view next_key = "corpus_next";
constexpr std::string_view current_key = "corpus_current";

std::string big_endian(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8)
    out[static_cast<std::size_t>(i)] = static_cast<char>(v & 0xff);
  return out;
}

result<uint64_t> read_number(const store& db, std::string_view key) {
  auto raw = db.get_raw(column::metadata, key);
  if (!raw)
    return raw.err();
  if (!raw->has_value())
    return uint64_t{0};
  const auto& bytes = **raw;
  if (bytes.size() != 8)
    return make_error(storage_errc::corruption,
                      "metadata '" + std::string{key} + "' is not an 8-byte number");
  uint64_t v = 0;
  for (char c : bytes)
    v = (v << 8) | static_cast<unsigned char>(c);
  return v;
}

status write_number(store& db, std::string_view key, uint64_t v) {
  write_batch b;
  b.put_raw(column::metadata, key, big_endian(v));
  return db.write(b);
}

} // namespace

std::string document_key(uint64_t version, std::string_view id) {
  auto key = big_endian(version);
  key.append(id);
  return key;
}

void put_document(write_batch& batch, uint64_t version, const v1::ContentDocument& d) {
  batch.put(column::corpus, document_key(version, d.id()), d);
}

std::string corpus_prefix(uint64_t version) { return big_endian(version); }

status scan_corpus_version(const store& db, uint64_t version,
                           const std::function<bool(const v1::ContentDocument&)>& visit) {
  auto prefix = corpus_prefix(version);
  return db.scan<v1::ContentDocument>(column::corpus, prefix, keys::prefix_end(prefix),
                                      [&](std::string_view, const v1::ContentDocument& d) {
                                        return visit(d);
                                      });
}

result<uint64_t> begin_corpus_version(store& db, uint64_t at_least) {
  auto last = read_number(db, next_key);
  if (!last)
    return last;
  // A cluster's second round asks for the version the first round agreed
  // on, which this node may have reserved itself.
  auto v = at_least != 0 && at_least >= *last ? at_least : *last + 1;
  if (auto st = write_number(db, next_key, v); !st)
    return st.err();
  return v;
}

status commit_corpus_version(store& db, uint64_t version) {
  auto current = read_number(db, current_key);
  if (!current)
    return current.err();
  if (*current >= version)
    return status::success();
  return write_number(db, current_key, version);
}

result<uint64_t> current_corpus_version(const store& db) { return read_number(db, current_key); }

} // namespace troupe::storage
