#pragma once
/// How to reach etcd: a plain struct, every field with its default.
///
/// The node's flags (config/etcd_settings.hpp, which also parses
/// `--etcd`) fill it in runtime/node.cpp.

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace troupe::coord {

struct etcd_options {
  /// Client URLs of the members, `http://HOST:PORT` or `https://HOST:PORT`,
  /// tried in order starting from the last one that answered. No default:
  /// at least one is required.
  std::vector<std::string> endpoints;
  /// PEM CA bundle to verify the members' certificates (https); empty =
  /// the system's CAs.
  std::string ca_file;
  /// PEM client certificate and key, for members that require client
  /// certificates; empty = none.
  std::string cert_file;
  std::string key_file;
  /// etcd user and password; empty user = no authentication.
  std::string user;
  std::string password;
  /// The most one HTTP request waits, connecting included (default 2 s). A
  /// call tries each endpoint at most once, so it returns within
  /// `timeout x endpoints.size()`.
  std::chrono::milliseconds timeout{2000};
  /// The largest answer read (default 64 MiB); a larger one is refused
  /// while it arrives (`bad_response`).
  std::size_t max_response_bytes = 64u << 20;
};

/// Checks options before use: endpoints well formed, timeout and limit
/// positive, a key only with a certificate, a password only with a user.
status validate(const etcd_options& options);

} // namespace troupe::coord
