#pragma once
/// Key layout of the column families. Customer keys begin with their shard
/// (2 bytes, big endian), so one shard is one contiguous key range and a
/// shard can be scanned, handed off or deleted as a range.
///
/// The shard of a customer is FNV-1a (64-bit) of its id, modulo the shard
/// count: the same on every node and every run.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "troupe.pb.h"

namespace troupe::storage::keys {

/// FNV-1a 64-bit hash of `text`.
uint64_t fnv1a(std::string_view text);

/// The shard a customer id belongs to, in [0, shard_count).
uint32_t shard_of(std::string_view customer_id, uint32_t shard_count);

/// shard (2 bytes BE) + id.
std::string customer(uint32_t shard, std::string_view customer_id);

/// The half-open key range [begin, end) of one shard in `customers`.
std::string shard_begin(uint32_t shard);
std::string shard_end(uint32_t shard);

/// The shard encoded at the front of a customer key.
uint32_t shard_of_key(std::string_view customer_key);
/// The customer id part of a customer key.
std::string_view customer_id_of_key(std::string_view customer_key);

/// campaign id + '\0' + customer id + '\0' + type + '\0' + (0x01 + the
/// event's dedup key, else its id, else its time as 8 big-endian bytes).
std::string event(const v1::Event& e);

/// A customer's profile: shard (2 bytes BE) + id, as its record's key.
inline std::string profile(uint32_t shard, std::string_view customer_id) {
  return customer(shard, customer_id);
}

/// The customer id inside a delivery, dead-letter or event key (campaign id
/// + '\0' + customer id [+ '\0' + ...]).
std::string_view customer_id_of_campaign_key(std::string_view key);

/// campaign id + '\0' + customer id: the idempotency key of a delivery.
std::string delivery(std::string_view campaign_id, std::string_view customer_id);

/// A delivery's key: `delivery(campaign, customer)`, and for a triggered
/// campaign's (one per entry) + '\0' + its occurrence.
std::string delivery_of(const v1::Delivery& d);
/// A dead letter's key: as a delivery's, + '\0' + its occurrence for a
/// triggered campaign's (one per entry).
std::string dead_letter_of(std::string_view campaign_id, std::string_view customer_id,
                           std::string_view occurrence);

/// shard (2 bytes BE) + campaign id + '\0' + customer id: a customer's
/// journey through a triggered campaign (its entries; + '\0' + occurrence,
/// a pending send of it).
std::string journey(uint32_t shard, std::string_view campaign_id, std::string_view customer_id);

/// journey + '\0' + occurrence: a pending send of a triggered campaign.
inline std::string pending_send(uint32_t shard, std::string_view campaign_id,
                                std::string_view customer_id, std::string_view occurrence) {
  auto key = journey(shard, campaign_id, customer_id);
  key.push_back('\0');
  key.append(occurrence);
  return key;
}

/// The customer id inside a journey key (with or without its occurrence).
std::string_view customer_id_of_journey_key(std::string_view key);

/// campaign id + '\0': the first key of a campaign in a column keyed by
/// campaign id first (its keys are [prefix, prefix_end(prefix))).
std::string campaign_prefix(std::string_view campaign_id);

/// campaign id + '\0' + shard (2 bytes BE).
std::string checkpoint(std::string_view campaign_id, uint32_t shard);

/// The range of every key that begins with `prefix`: [prefix, successor).
std::string prefix_end(std::string_view prefix);

inline constexpr std::string_view metadata_node = "node";
/// The last shard map the node acted on (v1.PlacementMapRecord).
inline constexpr std::string_view metadata_placement = "placement";

/// "shard_pos/" + shard (2 bytes BE): the metadata key of a shard's applied
/// position (v1.ShardPosition), written with every shard batch.
std::string shard_position(uint32_t shard);

/// The shard in a checkpoint key (campaign id + '\0' + shard, 2 bytes BE),
/// or nullopt where the key does not have that form.
std::optional<uint32_t> shard_of_checkpoint_key(std::string_view checkpoint_key);

} // namespace troupe::storage::keys
