#pragma once
/// Errors of the shell itself (not answers of a node): the node's
/// connection dropped while a command ran, or the operator pressed Ctrl-C.

#include <string>

#include "common/error.hpp"

namespace troupe::shell {

enum class shell_errc {
  went_away =
      1,     ///< the node's connection dropped during a command (retry once it is back)
  cancelled, ///< Ctrl-C ended the command (printed as `cancelled`)
};

constexpr error_domain domain_of(shell_errc) {
  return error_domain::shell;
}

/// `node NODE went away`: its connection dropped (killed, restarted, network).
inline error went_away(const std::string& node) {
  return error{error_domain::shell, static_cast<int>(shell_errc::went_away),
               "node " + node + " went away", true};
}

inline error cancelled() {
  return error{error_domain::shell, static_cast<int>(shell_errc::cancelled), "cancelled",
               false};
}

} // namespace troupe::shell
