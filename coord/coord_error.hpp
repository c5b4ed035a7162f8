#pragma once
/// Errors of coord/, the etcd client.
///
/// Which are worth a retry (`error::retryable()`):
/// - `unreachable`, `timeout`: yes — no endpoint answered; the cluster may
///   be back in a moment. A write that timed out may nevertheless have been
///   applied (the answer was lost, not necessarily the request).
/// - `rejected`: only when etcd's gRPC code says the cluster could not serve
///   the request now: Unavailable (14, e.g. "no leader"), DeadlineExceeded
///   (4, "request timed out"), ResourceExhausted (8, "too many requests") and
///   Aborted (10). Any other code is etcd's considered answer (a lease not
///   found, a bad argument): retrying repeats it.
/// - `bad_response`, `auth_failed`, `lease_gone`, `invalid`: no.

#include <string>

#include "common/error.hpp"

namespace troupe::coord {

enum class coord_errc {
  unreachable = 1, ///< no endpoint could be connected to (refused, reset, TLS failure, ...)
  timeout,         ///< no complete answer within the per-request timeout
  rejected,        ///< etcd answered an error; the message holds its message and gRPC code
  bad_response,    ///< not JSON, fields missing, or over max_response_bytes
  auth_failed,     ///< authentication refused (wrong user or password, or none given)
  lease_gone,      ///< the lease no longer exists (revoked or expired)
  invalid,         ///< a bad argument or option (an endpoint, a TTL, ...)
};

constexpr error_domain domain_of(coord_errc) { return error_domain::coord; }

/// An error of coord/; retryable for `unreachable` and `timeout`.
error make_error(coord_errc code, std::string message);

/// etcd's error answer as `rejected`: "`what`: MESSAGE (gRPC code N NAME)",
/// retryable as the header says.
error rejected_error(const std::string& what, int grpc_code, const std::string& message);

/// True for the gRPC codes after which a retry may succeed (see above).
bool retryable_grpc_code(int grpc_code);

/// "NotFound" for 5, ...; "code N" for a code gRPC does not define.
std::string grpc_code_name(int grpc_code);

} // namespace troupe::coord
