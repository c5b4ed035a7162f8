#pragma once
/// Errors of the campaign folder.

#include <string>

#include "common/error.hpp"

namespace troupe::campaign {

enum class campaign_errc : uint8_t {
  refused = 1, ///< the campaign's state does not allow the command (e.g. pause a completed one)
};

constexpr error_domain domain_of(campaign_errc) { return error_domain::campaign; }

/// A campaign error; none of them is worth a retry as it is.
inline error make_error(campaign_errc code, std::string message) {
  return error{error_domain::campaign, static_cast<int>(code), std::move(message), false};
}

} // namespace troupe::campaign
