#pragma once
/// The column families of a node's RocksDB, one per kind of record.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace troupe::storage {

/// The values are on the wire (v1.ShardOp.column): add a column at the
/// end, never reorder or reuse one.
enum class column : std::size_t {
  customers,    ///< key: shard (2 bytes BE) + customer id     -> v1.Customer
  corpus,       ///< key: document id                          -> v1.ContentDocument
  campaigns,    ///< key: campaign id                          -> v1.CampaignState
  checkpoints,  ///< key: campaign id + '\0' + shard (2 bytes) -> v1.Checkpoint
  deliveries,   ///< key: campaign id + '\0' + customer id     -> v1.Delivery
  events,       ///< key: campaign id + '\0' + customer id + '\0' + type + ... -> v1.Event
  audit,        ///< key: sequence (8 bytes BE)                -> v1.AuditRecord
  dead_letters, ///< key: campaign id + '\0' + customer id (+ '\0' + occurrence) -> v1.DeadLetter
  metadata,     ///< key: "node"                               -> v1.NodeMetadata
  profiles,     ///< key: shard (2 bytes BE) + customer id     -> v1.Profile
  timers,       ///< key: shard + campaign + '\0' + customer + '\0' + occurrence -> v1.PendingSend
  entries,      ///< key: shard + campaign + '\0' + customer   -> v1.JourneyEntries
};

inline constexpr std::size_t column_count = 12;

/// The column family's name on disk ("customers", "dead_letters", ...).
std::string_view name_of(column c);

/// The column numbered `number` (its value), or nullopt for no column.
std::optional<column> column_of(uint32_t number);

/// Every column, in declaration order.
const std::array<column, column_count>& all_columns();

} // namespace troupe::storage
