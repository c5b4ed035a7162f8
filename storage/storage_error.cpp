#include "storage/storage_error.hpp"

namespace troupe::storage {

error make_error(storage_errc code, std::string message) {
  bool retryable = code == storage_errc::io_error || code == storage_errc::busy;
  return error{error_domain::storage, static_cast<int>(code), std::move(message),
               retryable};
}

} // namespace troupe::storage
