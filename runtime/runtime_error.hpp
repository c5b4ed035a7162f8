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
  not_running,        ///< a part of the node the request needs is (re)starting
  member_unreachable, ///< a member the request needs cannot be reached
  member_failed,      ///< a member answered its part with an error
  not_everywhere,     ///< the command could not reach every member it must
  permission_denied,  ///< the sender's role may not run the command
};

constexpr error_domain domain_of(runtime_errc) { return error_domain::runtime; }

constexpr bool retryable(runtime_errc code) {
  return code == runtime_errc::unreachable || code == runtime_errc::not_running
         || code == runtime_errc::member_unreachable || code == runtime_errc::not_everywhere;
}

inline error make_error(runtime_errc code, std::string message) {
  return error{error_domain::runtime, static_cast<int>(code), std::move(message),
               retryable(code)};
}

} // namespace troupe::runtime
