#pragma once
/// The triggered campaigns running on a node, compiled, as events meet
/// them: the campaign manager arms a campaign when it runs and disarms it
/// when it pauses, ends or is cancelled; event ingest takes a snapshot per
/// chunk and offers each event to it (customers/trigger_offer). Thread-safe:
/// the snapshot is immutable, replaced whole.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>

#include "common/error.hpp"
#include "segment/predicate.hpp"
#include "troupe.pb.h"

namespace troupe::campaign {

/// One running triggered campaign.
struct armed_trigger {
  std::string campaign_id;
  std::string event;                         ///< the trigger's event type
  std::optional<segment::predicate> where;   ///< over the event's properties
  std::optional<segment::predicate> segment; ///< over the customer and its profile
  int64_t delay_ms = 0;
  std::string cancel_on;                     ///< "" none
  v1::Reentry reentry = v1::REENTRY_ONCE;
  int64_t reentry_after_ms = 0;
  caf::actor runner; ///< the campaign's trigger runner here (told of its new sends)
};

/// What a written chunk of events did to one triggered campaign: told to
/// its runner (campaign/trigger_runner).
struct trigger_news {
  std::vector<v1::PendingSend> made;      ///< pending now
  std::vector<v1::PendingSend> cancelled; ///< pending no more
};

/// `spec` (a triggered campaign's) compiled; errors name the predicate.
result<armed_trigger> arm_trigger(const v1::CampaignSpec& spec, int max_predicate_depth);

class trigger_book {
public:
  using snapshot = std::shared_ptr<const std::vector<armed_trigger>>;

  trigger_book() : current_(std::make_shared<const std::vector<armed_trigger>>()) {}

  snapshot current() const;
  /// Arms `t`, replacing the campaign's earlier one.
  void arm(armed_trigger t);
  void disarm(const std::string& campaign_id);
  /// Disarms the campaign only if `runner` armed it (a runner that exits
  /// late must not disarm its successor).
  void disarm(const std::string& campaign_id, const caf::actor_addr& runner);

private:
  mutable std::mutex mutex_;
  snapshot current_;
};

} // namespace troupe::campaign

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::campaign::trigger_news)
