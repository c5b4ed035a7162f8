#pragma once
/// One customer travelling through a campaign's pipeline, and the stage
/// protocol every stage speaks: it takes the item, does its part, and
/// either passes it on to the next stage (delegation: the last stage answers
/// the runner directly) or answers at once when the item is finished early
/// (skipped by the segment, blocked, failed).
///
///   stage_actor:
///     (work_item) -> work_item      // with outcome set when finished

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/typed_actor.hpp>

#include "providers/generation.hpp"
#include "troupe.pb.h"

namespace troupe::campaign {

enum class outcome : uint8_t { pending, delivered, blocked, skipped, failed };

const char* to_string(outcome o);

struct work_item {
  uint32_t shard = 0;
  uint64_t seq = 0;                                ///< order within the shard scan
  std::shared_ptr<const v1::Customer> customer;    ///< shared, never copied per stage
  outcome result = outcome::pending;
  std::string reason;                              ///< for blocked / failed
  uint32_t attempts = 0;                           ///< calls tried, when failed
  std::string blocked_term;                        ///< the safety hit, when blocked
  std::string blocked_document;                    ///< "" when the hit is in the message
  providers::generated_message message;
  std::vector<std::string> citations;
  std::string arm;
};

} // namespace troupe::campaign

// Local only (never serialized): actors on one node exchange plain C++ types.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::campaign::work_item)

namespace troupe::campaign {

using stage_actor = caf::typed_actor<caf::replies_to<work_item>::with<work_item>>;

/// The audit records of a finished item: its safety decision (pass or
/// block, with the term and document) and, when delivered, its delivery.
/// None for skipped or failed items.
std::vector<v1::AuditRecord> audit_records_of(const std::string& campaign_id, const work_item& w,
                                              int64_t now_ms);

/// The Delivery record of a delivered item.
v1::Delivery delivery_of(const std::string& campaign_id, const work_item& w,
                         const std::string& channel, int64_t delivered_at_ms);

} // namespace troupe::campaign
