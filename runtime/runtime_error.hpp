#pragma once
/// Errors of the runtime folder (node start-up, the shell's connection).

#include <string>

#include "common/error.hpp"

namespace troupe::runtime {

enum class runtime_errc {
  cannot_listen = 1,  ///< a port could not be bound
  unreachable,        ///< the node did not answer (refused, timed out)
  not_a_node,         ///< something answered, but not a Troupe admin actor
  request_failed,     ///< the node answered a request with an error
  usage,              ///< a shell command used wrongly
};

constexpr error_domain domain_of(runtime_errc) { return error_domain::runtime; }

inline error make_error(runtime_errc code, std::string message) {
  return error{error_domain::runtime, static_cast<int>(code), std::move(message),
               code == runtime_errc::unreachable};
}

} // namespace troupe::runtime
