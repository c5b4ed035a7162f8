#pragma once
/// Errors of trust/: credential files that cannot be used, proofs that fail.

#include <string>

#include "common/error.hpp"

namespace troupe::trust {

enum class trust_errc {
  bad_file = 1,     ///< a secret, token or certificate file is unreadable or malformed
  bad_proof,        ///< a peer's proof of identity does not verify
  not_permitted,    ///< the peer's role may not do this
};

constexpr error_domain domain_of(trust_errc) { return error_domain::trust; }

inline error make_error(trust_errc code, std::string message) {
  return error{error_domain::trust, static_cast<int>(code), std::move(message), false};
}

} // namespace troupe::trust
