#pragma once
/// What the shell says when a node answers with an error or cannot be
/// reached: the operator's message (`actors::describe`), never a CAF enum
/// name. Pure; used by shell_client.

#include <chrono>
#include <string>

#include <caf/error.hpp>

#include "common/error.hpp"

namespace troupe::shell {

/// Node `node` answered a request with `err`: a timeout is
/// `runtime_errc::unreachable` naming the wait, anything else
/// `runtime_errc::request_failed` with the error's message.
error request_error(const caf::error& err, const std::string& node,
                    std::chrono::milliseconds timeout);

/// Connecting to `node` failed with `err` (`runtime_errc::unreachable`).
error connect_error(const caf::error& err, const std::string& node,
                    std::chrono::milliseconds timeout);

} // namespace troupe::shell
