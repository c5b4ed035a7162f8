#pragma once
/// The versioned shard map: which members hold each shard. Each shard has
/// an owner list whose first entry is the primary, the one copy that
/// serves today; later entries are reserved for replicas (not built: see
/// the README). Pure values and functions, no actors: the leader computes
/// moves with `next_move`, every node routes with `primary`.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace troupe::sharding {

struct shard_map {
  uint64_t version = 0;
  std::vector<std::vector<std::string>> owners; ///< per shard; [0] = primary

  uint32_t shard_count() const { return static_cast<uint32_t>(owners.size()); }
  /// The primary owner of `shard`, or "" when it has none.
  const std::string& primary(uint32_t shard) const;
  /// The shards whose primary is `node`, ascending.
  std::vector<uint32_t> shards_of(const std::string& node) const;
  /// Shards per primary owner.
  std::map<std::string, uint32_t> counts() const;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shard_map& x) {
  return f(caf::meta::type_name("troupe.shard_map"), x.version, x.owners);
}

/// Every shard owned by `node` (the first member of a new cluster).
shard_map initial_shard_map(uint32_t shard_count, const std::string& node);

/// One shard changing its primary.
struct shard_move {
  uint32_t shard = 0;
  std::string from;
  std::string to;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shard_move& x) {
  return f(caf::meta::type_name("troupe.shard_move"), x.shard, x.from, x.to);
}

/// The next move towards balance, or nullopt when none is needed.
/// `receivers`: the members that may take shards (up and not leaving), in
/// join order. `leaving`: members whose every shard must move away. Shards
/// of members in neither set (down) stay where they are: their only copy is
/// on that member. First a shard of a leaving member goes to the receiver
/// with fewest shards; then, while two receivers differ by more than one
/// shard, the most loaded gives its highest shard to the least loaded.
/// A shard with no owner goes to the least loaded receiver.
std::optional<shard_move> next_move(const shard_map& map,
                                     const std::vector<std::string>& receivers,
                                     const std::set<std::string>& leaving);

/// `map` with `move` applied and its version advanced.
shard_map apply_move(shard_map map, const shard_move& move);

} // namespace troupe::sharding
