#pragma once
/// For tests/tools/forge_client: a blocking TCP socket to a node's cluster
/// port, driven by hand (the preamble and BASP bytes an attacker writes
/// itself), and whether the node closed it. One thread.

#include <chrono>
#include <optional>
#include <string>

namespace troupe::test::tools {

class raw_socket {
public:
  /// Connects to `host`:`port` (IPv4 or IPv6); `ok()` says whether it did.
  raw_socket(const std::string& host, uint16_t port);
  ~raw_socket();
  raw_socket(const raw_socket&) = delete;
  raw_socket& operator=(const raw_socket&) = delete;

  bool ok() const { return fd_ >= 0; }
  /// Why connecting or the last call failed.
  const std::string& error() const { return error_; }

  /// Writes all of `bytes`; false if the node closed the socket.
  bool send_all(const std::string& bytes);

  /// Reads exactly `n` bytes within `limit`; nullopt on close, error or timeout.
  std::optional<std::string> read_exactly(size_t n, std::chrono::milliseconds limit);

  /// Reads (and drops) whatever comes until the node closes the socket or
  /// `limit` passes: how long it took the node to close it, or nullopt if
  /// it was still open at the end.
  std::optional<std::chrono::milliseconds> wait_closed(std::chrono::milliseconds limit);

private:
  int fd_ = -1;
  std::string error_;
};

} // namespace troupe::test::tools
