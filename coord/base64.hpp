#pragma once
/// Standard base64 (RFC 4648, with padding), as etcd's JSON gateway writes
/// keys and values.

#include <optional>
#include <string>

namespace troupe::coord {

std::string base64_encode(const std::string& bytes);

/// The bytes, or nullopt if `text` is not padded standard base64 (a length
/// not a multiple of 4, a character outside the alphabet, misplaced '=').
std::optional<std::string> base64_decode(const std::string& text);

} // namespace troupe::coord
