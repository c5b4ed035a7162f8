#pragma once
/// HTTP to etcd's members with libcurl: one POST, failing over between the
/// endpoints. Used by etcd_client; thread-safe (each request takes an idle
/// CURL handle from a small pool, or makes one, and gives it back).
///
/// Failover: the endpoints are tried in order, starting from the last one
/// that answered. A connection failure or a timeout moves on to the next;
/// so does an answer with gRPC code Unavailable (14: the member cannot serve,
/// e.g. it has no leader; another member may). Any other answer is the
/// cluster's, and is returned. Each endpoint is tried at most once per call,
/// each attempt bounded by the per-request timeout and by the call's
/// deadline, whichever comes first.

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "coord/etcd_options.hpp"

namespace troupe::coord {

struct http_answer {
  long status = 0;
  std::string body;
};

class etcd_transport {
public:
  using clock = std::chrono::steady_clock;

  /// `options` must be valid (see `validate`).
  explicit etcd_transport(etcd_options options);
  ~etcd_transport();
  etcd_transport(const etcd_transport&) = delete;
  etcd_transport& operator=(const etcd_transport&) = delete;

  /// POSTs `body` (JSON) to `path` ("/v3/kv/range"), with `Authorization:
  /// token` when `token` is not empty. Errors: `unreachable` or `timeout`
  /// (each endpoint's reason in the message), `bad_response` for an answer
  /// over max_response_bytes (no failover: the answer is the cluster's).
  result<http_answer> post(const std::string& path, const std::string& body,
                           const std::string& token, clock::time_point deadline);

  const etcd_options& options() const { return options_; }

private:
  result<http_answer> post_once(void* curl, const std::string& url, const std::string& body,
                                const std::string& token, std::chrono::milliseconds timeout);
  void* take_handle();
  void give_back(void* handle);

  etcd_options options_;
  std::atomic<std::size_t> preferred_{0}; ///< the endpoint that answered last
  std::mutex mutex_;
  std::vector<void*> idle_; ///< CURL* handles not in use, at most a few
};

} // namespace troupe::coord
