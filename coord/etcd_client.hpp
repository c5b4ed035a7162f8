#pragma once
/// Troupe's client of etcd, over etcd's v3 JSON gateway (etcd 3.4+): keys,
/// ranges, transactions and leases as typed values; errors as values
/// (`coord_errc`), never exceptions.
///
/// Thread-safe: any thread may call any method at the same time (each call
/// uses its own CURL handle; the auth token is shared under a mutex). Every
/// method blocks its caller, at most `timeout x endpoints` (see
/// etcd_transport for failover): call it from a blocking pool or a thread of
/// its own, never from an actor's handler.
///
/// Auth: with a user, the client authenticates before its first call and
/// again, retrying the call once, when etcd answers "invalid auth token"
/// (simple tokens expire, 5 minutes by default); all within the call's bound.

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "coord/etcd_options.hpp"
#include "coord/etcd_types.hpp"

namespace troupe::coord {

class etcd_transport;

class etcd_client {
public:
  /// Checks `options` (`invalid`); nothing connects before the first call.
  static result<std::unique_ptr<etcd_client>> create(etcd_options options);
  ~etcd_client();
  etcd_client(const etcd_client&) = delete;
  etcd_client& operator=(const etcd_client&) = delete;

  /// The key, if it exists (`kvs` empty if not).
  result<range_reply> get(const std::string& key);
  /// Keys in [begin, end); `end` empty = `begin` alone, "\0" = every key >= begin.
  result<range_reply> range(const std::string& begin, const std::string& end);
  /// Keys starting with `prefix`.
  result<range_reply> prefix(const std::string& prefix);

  /// Writes the key (attached to `lease` unless 0); the revision it created.
  result<int64_t> put(const std::string& key, const std::string& value, int64_t lease = 0);
  /// Deletes the key; how many keys were deleted (0 or 1).
  result<int64_t> erase(const std::string& key);
  /// Deletes every key starting with `prefix`; how many.
  result<int64_t> erase_prefix(const std::string& prefix);

  /// If every compare holds, `success` runs, else `failure`; atomically.
  result<txn_reply> txn(const std::vector<compare>& compares, const std::vector<txn_op>& success,
                        const std::vector<txn_op>& failure = {});

  /// A new lease of `ttl` (at least 1 s; etcd may grant more).
  result<lease> grant(std::chrono::seconds ttl);
  /// Renews the lease; its TTL from now. `lease_gone` if it no longer exists.
  result<std::chrono::seconds> keepalive(int64_t id);
  /// Revokes the lease, deleting its keys; a lease already gone is success.
  status revoke(int64_t id);

  const etcd_options& options() const;

private:
  explicit etcd_client(etcd_options options);

  /// POSTs to `path`, authenticating as needed; the success answer's body
  /// or the error (etcd's error answer as `rejected`).
  result<std::string> call(const char* what, const std::string& path, const std::string& body);
  result<std::string> token(std::chrono::steady_clock::time_point deadline);
  result<std::string> authenticate(std::chrono::steady_clock::time_point deadline);

  std::unique_ptr<etcd_transport> transport_;
  std::mutex token_mutex_;
  std::string token_; ///< empty: none yet (or no user)
};

} // namespace troupe::coord
