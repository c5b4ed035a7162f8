#pragma once
/// Customers who unsubscribed: an event of type `unsubscribed` (posted by
/// the one-click link of an email, runtime/http_unsubscribe, or sent like
/// any event to /v1/events or `event ingest`) marks the customer, and no
/// later campaign of any channel sends to it (the segment stage settles it
/// as skipped, reason "unsubscribed"). The mark is kept with the customer's
/// journeys (column `entries`) under the journey id "@@unsubscribed", which
/// no campaign id (no '@') nor channel's contacts ("@" + channel) can be:
/// so it moves with its shard, replicates, and is erased and exported with
/// the customer. A re-import of the customer does not clear it.

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "storage/store.hpp"
#include "troupe.pb.h"

namespace troupe::campaign {

/// The event type that unsubscribes a customer.
inline constexpr std::string_view unsubscribe_event = "unsubscribed";

/// The journey id of the mark.
inline constexpr std::string_view unsubscribed_journey = "@@unsubscribed";

/// The mark for `customer_id`, unsubscribed at `at_ms` (`count`: how many
/// unsubscribe events it has seen, this one included).
v1::JourneyEntries unsubscribe_mark(std::string_view customer_id, int64_t at_ms,
                                    uint64_t count);

/// True when the customer is marked (a point read; blocking).
result<bool> unsubscribed(const storage::store& db, std::string_view customer_id);

/// `unsubscribed` over `db`, for a pipeline's segment stage.
std::function<result<bool>(std::string_view)>
unsubscribed_check(std::shared_ptr<const storage::store> db);

} // namespace troupe::campaign
