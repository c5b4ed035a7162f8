#pragma once
/// Where a node keeps the cluster: etcd's client URLs, credentials and
/// timings, as `troupe-node` takes them. No endpoints: the node is a
/// cluster of one and needs no etcd.
///
///   --etcd URL[,URL...]        http(s)://HOST:PORT of etcd members
///   --etcd-prefix P            the cluster's keys start with P (/troupe/)
///   --etcd-ca-file FILE        PEM CA to verify etcd's certificates (https)
///   --etcd-cert-file FILE      PEM client certificate, with
///   --etcd-key-file FILE       its key, for etcd's client-cert auth
///   --etcd-user NAME           etcd user, with
///   --etcd-password-file FILE  its password (first line of the file)
///   --etcd-timeout-ms N        one request's bound (2000)
///   --lease-ttl-seconds N      this member's lease (3): a node that
///                              stops renewing it is out this long after
///   --replication-factor N     copies of each shard, primary included (2;
///                              1 to 9): set when the cluster's map is
///                              founded, the map's own factor wins after

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace troupe::config {

struct etcd_settings {
  std::vector<std::string> endpoints; ///< "http(s)://HOST:PORT"; empty: no etcd
  std::string prefix = "/troupe/";
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string user;
  std::string password;              ///< read from --etcd-password-file
  unsigned timeout_ms = 2'000;
  unsigned lease_ttl_seconds = 3;
  unsigned replication_factor = 2;

  bool enabled() const { return !endpoints.empty(); }
};

/// Parses `--etcd`'s value: comma-separated `http(s)://HOST:PORT` URLs
/// (spaces around commas ignored; no path); an empty text is no etcd.
/// Errors name the bad entry.
result<std::vector<std::string>> parse_etcd_endpoints(const std::string& text);

/// Checks one `http(s)://HOST:PORT` (the etcd client checks its options with it).
status check_etcd_endpoint(const std::string& entry);

} // namespace troupe::config
