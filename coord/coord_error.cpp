#include "coord/coord_error.hpp"

namespace troupe::coord {

error make_error(coord_errc code, std::string message) {
  bool retryable = code == coord_errc::unreachable || code == coord_errc::timeout;
  return error{error_domain::coord, static_cast<int>(code), std::move(message), retryable};
}

bool retryable_grpc_code(int grpc_code) {
  return grpc_code == 4 || grpc_code == 8 || grpc_code == 10 || grpc_code == 14;
}

std::string grpc_code_name(int grpc_code) {
  static const char* const names[] = {
    "OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound",
    "AlreadyExists", "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted",
    "OutOfRange", "Unimplemented", "Internal", "Unavailable", "DataLoss", "Unauthenticated"};
  if (grpc_code >= 0 && grpc_code < static_cast<int>(sizeof(names) / sizeof(names[0])))
    return names[grpc_code];
  return "code " + std::to_string(grpc_code);
}

error rejected_error(const std::string& what, int grpc_code, const std::string& message) {
  return error{error_domain::coord, static_cast<int>(coord_errc::rejected),
               what + ": " + message + " (gRPC code " + std::to_string(grpc_code) + " "
                 + grpc_code_name(grpc_code) + ")",
               retryable_grpc_code(grpc_code)};
}

} // namespace troupe::coord
