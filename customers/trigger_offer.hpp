#pragma once
/// What one chunk of events does to the triggered campaigns running on the
/// node (campaign/trigger_book): each new event is offered to each of them.
///
/// - An event of a campaign's `cancel_on` type cancels the customer's
///   pending sends of that campaign whose trigger event came before it.
/// - An event of a campaign's trigger type enters the customer into it when
///   the customer is known, `trigger.where` selects the event's properties
///   (read as the fields of a customer), the segment selects the customer
///   with its profile (which counts the event already; per event type T the
///   fields `T_count`, `T_first` and `T_last`, ms), and `reentry` lets it in
///   again: a pending send due at the event's time plus the delay.
///
/// Its effects are written into the chunk's shard parts, with the events: a
/// send is pending once its event is durable, and a cancel is durable with
/// its event. Reads through its `journey_source`; one per customer's
/// events of a chunk (customers/customer_events), one thread.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "campaign/trigger_book.hpp"
#include "common/error.hpp"
#include "storage/store.hpp"
#include "troupe.pb.h"

namespace troupe::customers {

/// Where an offer reads a customer's journeys: the store (`store_journeys`),
/// or what the registry read for the customer's actor (customers/customer_events).
struct journey_source {
  std::function<result<std::optional<v1::JourneyEntries>>(const std::string& campaign,
                                                          const std::string& customer)>
    entries;
  std::function<result<std::vector<v1::PendingSend>>(const std::string& campaign,
                                                     const std::string& customer)>
    sends;
};

/// Reads `db` (blocking).
journey_source store_journeys(const storage::store& db);

/// What offers did, to be written with their events.
struct trigger_effects {
  std::vector<v1::JourneyEntries> entries; ///< changed: written whole
  std::vector<v1::PendingSend> pending;    ///< made pending
  std::vector<v1::PendingSend> cancelled;  ///< cancelled (stored before, or made here)

  bool empty() const { return entries.empty() && pending.empty() && cancelled.empty(); }
  void append(trigger_effects other);
};

/// `fx`'s writes, into the batch of each shard `batch_of` gives.
void write_effects(const storage::store& db, const trigger_effects& fx,
                   const std::function<storage::write_batch&(uint32_t)>& batch_of);

/// Forgets the effects in `shards` (their part was not written: nothing of
/// it happened).
void forget_shards(const storage::store& db, trigger_effects& fx, const std::set<uint32_t>& shards);

class trigger_offer {
public:
  trigger_offer(journey_source source, campaign::trigger_book::snapshot book);

  /// True when no campaign could care (nothing is read for any event).
  bool idle() const { return book_->empty(); }

  /// Offers `e` (new, stored with this chunk) of a customer (`customer`
  /// null: not imported) whose `profile` counts it already.
  status offer(const v1::Event& e, const v1::Customer* customer, const v1::Profile& profile);

  /// What the offers so far did.
  trigger_effects effects() const;

private:
  using journey = std::pair<std::string, std::string>; ///< (campaign, customer)
  result<v1::JourneyEntries*> entries_of(const journey& j);
  result<std::vector<v1::PendingSend>*> sends_of(const journey& j);

  journey_source source_;
  campaign::trigger_book::snapshot book_;
  std::map<journey, v1::JourneyEntries> entries_;
  std::map<journey, bool> entries_changed_;
  std::map<journey, std::vector<v1::PendingSend>> sends_; ///< stored and new, not cancelled
  std::vector<v1::PendingSend> pending_;
  std::vector<v1::PendingSend> cancelled_;
};

/// The event's properties as a customer's fields (for `trigger.where`).
v1::Customer properties_as_customer(const v1::Event& e);

/// The customer with its profile's fields added as attributes (`T_count`,
/// `T_first`, `T_last` per event type T; an attribute of that name the
/// customer has already wins).
v1::Customer with_profile(const v1::Customer& c, const v1::Profile& p);

/// The occurrence of a trigger event: "k:" + its dedup key, else "i:" + its
/// id, else "t:" + its time (ms): tagged, so that an id and a key never meet.
std::string occurrence_of(const v1::Event& e);

} // namespace troupe::customers
