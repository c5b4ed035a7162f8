#pragma once
/// A chunk's new events as the owner's customer actors take them. Event
/// ingest groups them by customer (each customer's in line order); the
/// customer's actor (customers/customer_actor) counts them into the profile
/// it holds and offers each to the triggered campaigns running here
/// (customers/trigger_offer), with what the store holds of the customer's
/// journeys read for it beforehand by the registry: customer actors never
/// touch the store. What a step makes is a proposal: event ingest writes it
/// with the events, and the actor takes the new profile only once that
/// write is durable (`profile_atom`), so a write refused leaves it as it was.
///
/// `step_customer` is the step itself (pure); `step_from_store` the same
/// with everything read from the store, for a node without customer actors
/// (tests and tools).

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "campaign/trigger_book.hpp"
#include "common/error.hpp"
#include "customers/trigger_offer.hpp"
#include "storage/store.hpp"
#include "troupe.pb.h"

namespace troupe::customers {

/// To a customer actor: events to count and offer.
using event_atom = caf::atom_constant<caf::atom("event")>;
/// To a customer actor: its profile, as now written.
using profile_atom = caf::atom_constant<caf::atom("profile")>;

/// One customer's new events of a chunk.
struct customer_events {
  std::string customer_id;
  std::vector<v1::Event> events; ///< not stored before; in line order
};

/// A chunk's events for the customer actors, each customer once.
struct event_batch {
  campaign::trigger_book::snapshot book; ///< null or empty: no triggered campaign runs
  std::vector<customer_events> customers;
};

/// What one customer's events need of its journeys, read from the store.
struct journey_reads {
  std::map<std::string, std::optional<v1::JourneyEntries>> entries; ///< by campaign
  std::map<std::string, std::vector<v1::PendingSend>> sends;        ///< by campaign
};

/// Reads from `db` (blocking) what `ce`'s events need for `book`'s
/// campaigns: the stored sends of each campaign an event cancels (those
/// only entered start from none: what a cancel does not touch needs no
/// reading), the entries of each it may enter.
result<journey_reads> read_journeys(const storage::store& db,
                                    const campaign::trigger_book::snapshot& book,
                                    const customer_events& ce);

/// A journey source over `reads`; a journey not read is an error naming it.
journey_source from_reads(std::shared_ptr<const journey_reads> reads);

/// What a customer's events did, to be written with them.
struct customer_step {
  std::string customer_id;
  bool known = false;      ///< an imported customer
  v1::Profile profile;     ///< counting the events
  trigger_effects effects; ///< of the offers
  std::string error;       ///< not empty: none of its events is taken, and why
};

/// Counts `ce`'s events into `profile` and offers each, in order, to
/// `book`'s campaigns, for `customer` (null: not imported). Pure: what it
/// reads of journeys, it reads through `journeys`.
customer_step step_customer(const v1::Customer* customer, v1::Profile profile,
                            journey_source journeys,
                            const campaign::trigger_book::snapshot& book,
                            const customer_events& ce);

/// The step with the customer, its profile and its journeys read from `db`.
customer_step step_from_store(const storage::store& db,
                              const campaign::trigger_book::snapshot& book,
                              const customer_events& ce);

} // namespace troupe::customers

// Local only (never cross a process): no serialization needed.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::customers::customer_events)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::customers::event_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::customers::journey_reads)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::customers::customer_step)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<troupe::customers::customer_step>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<troupe::v1::Profile>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::optional<troupe::v1::Profile>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::campaign::trigger_book::snapshot)
