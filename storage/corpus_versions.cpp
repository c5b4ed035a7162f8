#include "storage/corpus_versions.hpp"

#include <algorithm>
#include <optional>

#include "storage/keys.hpp"

namespace troupe::storage {

namespace {

constexpr std::string_view next_key = "corpus_next";
constexpr std::string_view current_key = "corpus_current";
constexpr std::string_view done_prefix = "corpus_done";
constexpr std::string_view marked_key = "corpus_marks"; // the earlier versions are marked

std::string big_endian(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8)
    out[static_cast<std::size_t>(i)] = static_cast<char>(v & 0xff);
  return out;
}

/// The number in the first 8 bytes of `bytes` (fewer: those there are).
uint64_t from_big_endian(std::string_view bytes) {
  uint64_t v = 0;
  for (std::size_t i = 0; i < 8 && i < bytes.size(); ++i)
    v = (v << 8) | static_cast<unsigned char>(bytes[i]);
  return v;
}

std::string done_key(uint64_t version) { return std::string{done_prefix} + big_endian(version); }

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
  return from_big_endian(bytes);
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
  write_batch b;
  b.put_raw(column::metadata, done_key(version), "");
  if (*current < version)
    b.put_raw(column::metadata, current_key, big_endian(version));
  return db.write(b);
}

result<uint64_t> current_corpus_version(const store& db) { return read_number(db, current_key); }

status mark_earlier_corpus_versions(store& db) {
  auto marked = db.get_raw(column::metadata, marked_key);
  if (!marked)
    return marked.err();
  if (marked->has_value())
    return status::success();
  auto current = current_corpus_version(db);
  if (!current)
    return current.err();
  write_batch b;
  // One seek per version: from a version's first key to the next version.
  uint64_t from = 1;
  while (from != 0 && from <= *current) {
    std::optional<uint64_t> found;
    auto st = db.scan_raw(column::corpus, corpus_prefix(from), "",
                          [&](std::string_view key, std::string_view) {
                            found = from_big_endian(key); // the version, before the id
                            return false;
                          });
    if (!st)
      return st;
    if (!found || *found > *current)
      break;
    b.put_raw(column::metadata, done_key(*found), "");
    from = *found + 1;
  }
  b.put_raw(column::metadata, marked_key, "");
  return db.write(b);
}

result<bool> holds_corpus_version(const store& db, uint64_t version) {
  if (version == 0)
    return true;
  auto raw = db.get_raw(column::metadata, done_key(version));
  if (!raw)
    return raw.err();
  return raw->has_value();
}

result<std::vector<uint64_t>> corpus_versions_in_use(const store& db) {
  auto current = current_corpus_version(db);
  if (!current)
    return current.err();
  std::vector<uint64_t> out;
  if (*current != 0)
    out.push_back(*current);
  auto st = db.scan<v1::CampaignState>(column::campaigns, "", "",
                                       [&](std::string_view, const v1::CampaignState& c) {
                                         if (c.corpus_version() != 0)
                                           out.push_back(c.corpus_version());
                                         return true;
                                       });
  if (!st)
    return st.err();
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

result<std::vector<uint64_t>> corpus_versions_lacking(const store& db,
                                                      const std::vector<uint64_t>& versions) {
  std::vector<uint64_t> out;
  for (auto v : versions) {
    auto held = holds_corpus_version(db, v);
    if (!held)
      return held.err();
    if (!*held)
      out.push_back(v);
  }
  return out;
}

} // namespace troupe::storage
