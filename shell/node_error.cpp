#include "shell/node_error.hpp"

#include <caf/sec.hpp>

#include "actors/actor_error.hpp"
#include "runtime/runtime_error.hpp"

namespace troupe::shell {

using runtime::runtime_errc;

error request_error(const caf::error& err, const std::string& node,
                    std::chrono::milliseconds timeout) {
  if (err == caf::sec::request_timeout)
    return runtime::make_error(runtime_errc::unreachable,
                               "node " + node + " did not answer within "
                                 + std::to_string(timeout.count()) + " ms");
  return runtime::make_error(runtime_errc::request_failed,
                             "node " + node + ": " + actors::describe(err));
}

error connect_error(const caf::error& err, const std::string& node,
                    std::chrono::milliseconds timeout) {
  if (err == caf::sec::request_timeout)
    return runtime::make_error(runtime_errc::unreachable,
                               "cannot reach node " + node + ": no answer within "
                                 + std::to_string(timeout.count())
                                 + " ms (is it a Troupe node's --cluster-port?)");
  return runtime::make_error(runtime_errc::unreachable,
                             "cannot reach node " + node + ": " + actors::describe(err));
}

} // namespace troupe::shell
