#include "storage/attribute_catalog.hpp"

namespace troupe::storage {

namespace {

constexpr std::string_view name_prefix = "attr:";
constexpr std::string_view name_end = "attr;"; // ':' + 1
constexpr std::string_view full_key = "attr~full";

status mark_full(store& db) {
  write_batch batch;
  batch.put_raw(column::metadata, full_key, "");
  return db.write(batch);
}

} // namespace

status record_attribute_names(store& db, const std::set<std::string>& names) {
  if (names.empty())
    return status::success();
  auto full = db.get_raw(column::metadata, full_key);
  if (!full)
    return full.err();
  if (full->has_value())
    return status::success();
  // Past the limit at once: no read per name of a chunk with thousands.
  if (names.size() > max_catalog_names)
    return mark_full(db);
  std::vector<const std::string*> fresh;
  for (const auto& n : names) {
    if (n.size() > max_catalog_name_bytes)
      continue; // not recorded: a predicate cannot name it (documented)
    auto there = db.get_raw(column::metadata, std::string{name_prefix} + n);
    if (!there)
      return there.err();
    if (!there->has_value())
      fresh.push_back(&n);
  }
  if (fresh.empty())
    return status::success();
  std::size_t count = 0;
  auto st = db.scan_raw(
      column::metadata, name_prefix, name_end,
      [&](std::string_view, std::string_view) { return ++count <= max_catalog_names; });
  if (!st)
    return st;
  if (count + fresh.size() > max_catalog_names)
    return mark_full(db);
  write_batch batch;
  for (const auto* n : fresh)
    batch.put_raw(column::metadata, std::string{name_prefix} + *n, "");
  return db.write(batch);
}

result<std::vector<std::string>> known_attribute_names(const store& db) {
  std::vector<std::string> out;
  auto st = db.scan_raw(column::metadata, name_prefix, name_end,
                        [&](std::string_view key, std::string_view) {
                          out.emplace_back(key.substr(name_prefix.size()));
                          return out.size() <= max_catalog_names;
                        });
  if (!st)
    return st.err();
  auto full = db.get_raw(column::metadata, full_key);
  if (!full)
    return full.err();
  if (full->has_value())
    out.emplace_back(catalog_full_marker);
  return out;
}

} // namespace troupe::storage
