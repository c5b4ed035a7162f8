#pragma once
/// The other members as this node knows them — their member gateway (null
/// while not connected), whether a connection is being opened, when they
/// were last heard and what they reported. Whether a member is live is
/// etcd's word (cluster/etcd_agent), not this table's.
/// Also what the table answers for: `nodes` rows and the `member_handles`
/// the admin actor sends commands with.
///
/// Plain data, the time passed in by the caller; the cluster actor opens
/// the connections, monitors the handles and acts on what is lost
/// (cluster/cluster_links.cpp). Used by that actor only (not thread-safe).

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>

#include "cluster/cluster_protocol.hpp"
#include "cluster/cluster_view.hpp"

namespace troupe::cluster {

struct peer {
  caf::actor admin;                 ///< its admin actor; null while not connected
  bool connecting = false;
  bool heard = false;               ///< a heartbeat arrived since it was (re)connected
  std::chrono::steady_clock::time_point last_heard;
  uint64_t customers = 0;           ///< as its last heartbeat said
  uint64_t map_version = 0;         ///< the map it acted on, as its last heartbeat said
  std::vector<uint64_t> records;    ///< per shard, what its store applied, as its last heartbeat said
};

class peer_table {
public:
  using clock_type = std::chrono::steady_clock;

  /// The member `id` (an empty entry if it was not known).
  peer& operator[](const std::string& id) { return peers_[id]; }

  /// Its admin actor; null when not connected or not known.
  caf::actor admin_of(const std::string& id) const;

  /// Takes `admin` as `id`'s handle at `now`; returns the handle it
  /// replaces (to stop monitoring), null if none. Nothing changes (and
  /// nullopt comes back) when it is the handle known already.
  std::optional<caf::actor> attach(const std::string& id, caf::actor admin,
                                   clock_type::time_point now);

  /// `id`'s connection is gone: returns its handle (null if none) and
  /// forgets it.
  caf::actor detach(const std::string& id);

  /// A heartbeat from `id` at `now`.
  void heard(const std::string& id, uint64_t customers, clock_type::time_point now);

  /// `id`'s last heartbeat said it acted on map `version`.
  void saw_map(const std::string& id, uint64_t version) { peers_[id].map_version = version; }
  /// `id`'s last heartbeat said its store applied `records` per shard.
  void saw_records(const std::string& id, std::vector<uint64_t> records) {
    peers_[id].records = std::move(records);
  }
  /// What `id` last said its store applied of `shard` (nullopt: not heard).
  std::optional<uint64_t> records_of(const std::string& id, uint32_t shard) const {
    auto i = peers_.find(id);
    if (i == peers_.end() || shard >= i->second.records.size())
      return std::nullopt;
    return i->second.records[shard];
  }
  /// The map version `id` last said it acted on (0: none heard).
  uint64_t map_version_of(const std::string& id) const {
    auto i = peers_.find(id);
    return i == peers_.end() ? 0 : i->second.map_version;
  }

  /// The member whose admin actor is `addr`, if one is.
  std::optional<std::string> owner_of(const caf::actor_addr& addr) const;

  /// The members known but not connected.
  std::set<std::string> unreachable() const;

  /// Every connected member's admin actor.
  std::vector<std::pair<std::string, caf::actor>> connected() const;

  void erase(const std::string& id) { peers_.erase(id); }

  /// `nodes`: one row per member of `view`; `self` counts `self_customers`.
  std::vector<node_row> rows(const cluster_view& view, const std::string& self,
                             uint64_t self_customers, clock_type::time_point now) const;

  /// The admin actor's handles for `view` (`self` outside a cluster: see
  /// `self_only`).
  member_handles handles(const cluster_view& view, const std::string& self) const;

  /// A node outside a cluster: itself alone, the primary of every shard.
  static member_handles self_only(const std::string& self, uint32_t shard_count);

private:
  std::map<std::string, peer> peers_;
};

} // namespace troupe::cluster
