#pragma once
/// One customer travelling through a campaign's pipeline, the batches they
/// travel in, and the stage protocol every stage speaks. A stage takes a
/// batch, does its part for each item still pending, and sends the batch on
/// to the next stage; items finished early (skipped by the segment,
/// blocked, failed) keep their outcome and pass through the later stages
/// untouched. The last stage, or any stage whose batch has nothing pending
/// left, sends the batch to the pipeline's sink (the campaign runner or the
/// dead-letter replay that spawned it). A stage that waits on a provider
/// may split a batch: the items it is done with go on, an item waiting out
/// a retry goes on later, with the items whose backoff ended at the same time.
///
///   stage_actor:  (work_batch)                 // one way
///   batch_sink:   (finished_atom, work_batch)  // every item finished

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/typed_actor.hpp>

#include "providers/generation.hpp"
#include "troupe.pb.h"

namespace troupe::campaign {

/// held_out: in the global holdout, sent nothing (contact_policy/holdout);
/// capped: over the customer's frequency cap, sent nothing (a triggered
/// campaign's, campaign/trigger_runner).
enum class outcome : uint8_t { pending, delivered, blocked, skipped, failed, held_out, capped };

/// The reason of a held_out item in one of the campaign's own holdout arms
/// (the arm is set; the global holdout's reason is "held_out").
inline constexpr const char* holdout_arm_reason = "holdout_arm";
inline constexpr std::size_t outcome_count = 7;

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
  /// A triggered campaign's: the entry's occurrence and its event's time
  /// (its delivery is keyed by it); "" and 0 in a batch campaign.
  std::string occurrence;
  int64_t event_ms = 0;
  bool held = false;                  ///< held by quiet hours before it went
  /// A contact reserved under a cap: when (its day in the customer's zone
  /// is the day it counts on).
  std::optional<int64_t> contact_at;
};

/// Customers travelling together: one message per stage for all of them.
struct work_batch {
  std::vector<work_item> items;
};

/// True if some item of `b` is still pending.
bool any_pending(const work_batch& b);

} // namespace troupe::campaign

// Local only (never serialized): actors on one node exchange plain C++ types.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::campaign::work_item)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::campaign::work_batch)

namespace troupe::campaign {

using finished_atom = caf::atom_constant<caf::atom("wfinished")>;

using stage_actor = caf::typed_actor<caf::reacts_to<work_batch>>;
using batch_sink = caf::typed_actor<caf::reacts_to<finished_atom, work_batch>>;

/// Where a stage's batch goes when the stage is done with it.
struct stage_links {
  stage_actor next; ///< null for the last stage
  batch_sink sink;
};

/// Sends `b` on: to `links.next` while an item is pending, else to the sink.
template <class Self>
void pass_on(Self* self, const stage_links& links, work_batch b) {
  if (links.next && any_pending(b))
    self->send(links.next, std::move(b));
  else
    self->send(links.sink, finished_atom::value, std::move(b));
}

/// The audit records of a finished item: its safety decision (pass or
/// block, with the term and document) and, when delivered, its delivery.
/// None for skipped or failed items.
std::vector<v1::AuditRecord> audit_records_of(const std::string& campaign_id, const work_item& w,
                                              int64_t now_ms);

/// The Delivery record of a delivered item.
v1::Delivery delivery_of(const std::string& campaign_id, const work_item& w,
                         const std::string& channel, int64_t delivered_at_ms);

} // namespace troupe::campaign
