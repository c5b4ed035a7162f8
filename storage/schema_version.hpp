#pragma once
/// The version of `proto/troupe.proto` this build writes. A node refuses a
/// data dir whose metadata names a newer version.

#include <cstdint>

namespace troupe::storage {

inline constexpr uint32_t schema_version = 1;

} // namespace troupe::storage
