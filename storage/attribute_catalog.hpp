#pragma once
/// The names of the extra attributes (v1.Customer.attributes) of the
/// customers a node has written at import or taken in a handoff: what a
/// segment predicate may name besides the typed fields. `segment count`
/// and `campaign create` refuse a name no member knows (runtime/
/// field_check), so that `regoin = 'CA'` is an error rather than a count
/// of 0. A name once seen stays (the customers holding it may be gone).
///
/// Column `metadata`, one key per name: "attr:" + name, empty value; so
/// recording is idempotent puts, with no read-modify-write and no lock.
/// At most max_catalog_names names are kept: past them the catalog is
/// marked full (key "attr~full") and every name counts as known.

#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "storage/store.hpp"

namespace troupe::storage {

inline constexpr std::size_t max_catalog_names = 1000;
/// Longer names are not recorded (a predicate naming one is refused).
inline constexpr std::size_t max_catalog_name_bytes = 256;

/// What `known_attribute_names` lists last when the catalog is full.
inline constexpr const char* catalog_full_marker = "*";

/// Records `names` (blocking; a few puts, the new names only).
status record_attribute_names(store& db, const std::set<std::string>& names);

/// The names recorded, sorted; the last is `catalog_full_marker` when the
/// catalog is full.
result<std::vector<std::string>> known_attribute_names(const store& db);

} // namespace troupe::storage
