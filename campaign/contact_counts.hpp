#pragma once
/// How many messages a customer got on a channel on its local calendar
/// day, for frequency caps (contact_policy/contact_book). Kept with the
/// customer's journeys (column `entries`, storage/trigger_records) under
/// the campaign id "@" + channel, never a campaign's (ids cannot hold
/// '@'): so they move with their shard, replicate, and are erased and
/// exported with the customer. `count` is of the local day of `last_ms`;
/// a record of an earlier day counts 0. Written by the trigger runners of
/// a node while a cap is set, under the contact book's lock.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "contact_policy/time_zone.hpp"
#include "storage/store.hpp"
#include "troupe.pb.h"

namespace troupe::campaign {

/// The journey id the contacts of `channel` are kept under.
std::string contacts_journey(std::string_view channel);

/// The customer's zone: its `timezone` attribute, UTC without one (or
/// with one the database lacks: import refuses those).
contact_policy::time_zone zone_of(const v1::Customer& c);

/// The customer's stored contacts on `channel` (nullopt: none yet).
result<std::optional<v1::JourneyEntries>> read_contacts(const storage::store& db,
                                                        std::string_view customer_id,
                                                        std::string_view channel);

/// The contacts in `stored` on local day `day` of `zone`.
uint64_t contacts_on(const std::optional<v1::JourneyEntries>& stored,
                     const contact_policy::time_zone& zone, int64_t day);

/// `stored` with `n` more contacts made at `at_ms` (counted on its local
/// day in `zone`; an earlier day's count starts again; a later day's count
/// stands as it is).
v1::JourneyEntries add_contacts(std::optional<v1::JourneyEntries> stored,
                                std::string_view customer_id, std::string_view channel,
                                const contact_policy::time_zone& zone, uint64_t n,
                                int64_t at_ms);

} // namespace troupe::campaign
