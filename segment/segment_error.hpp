#pragma once
/// Errors of the segment language. Each message starts with the position
/// ("at position 14: expected ...").

#include <string>

#include "common/error.hpp"

namespace troupe::segment {

enum class segment_errc {
  syntax = 1,   ///< the text is not a predicate
  type,         ///< a comparison of a field with a value of another type
};

inline error make_error(segment_errc code, std::string message) {
  return error{error_domain::segment, static_cast<int>(code), std::move(message), false};
}

constexpr error_domain domain_of(segment_errc) { return error_domain::segment; }

} // namespace troupe::segment
