#pragma once
/// Events as JSON (JSON Lines of `event ingest`, the items of
/// `POST /v1/events`) <-> v1.Event, and a customer's profile as JSON.
///
/// An event: `customer_id`, `type`, `ts` (milliseconds since the epoch, or
/// an ISO-8601 UTC time like 2026-11-22T10:15:00Z), and optionally
/// `campaign_id`, `id` (the sender's event id), `dedup_key` (the sender's
/// idempotency key: events of one customer and type with one key are one
/// event) and `properties` (an object of strings, numbers, booleans and
/// lists of strings). `type` is a name of lower-case letters, digits and
/// `_`, at most 64 bytes; `conversion`, `open` and `click` are what a
/// campaign's message brought about and need `campaign_id`; any other type
/// is something the customer did (`cart_abandoned`, `purchase`).
/// Errors are `storage_errc::bad_json` and `storage_errc::bad_record`,
/// naming the field.

#include <cstddef>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "troupe.pb.h"

namespace troupe::storage {

/// The longest event type.
inline constexpr std::size_t max_event_type_bytes = 64;

/// True for the types a campaign's message brings about (they need a campaign).
bool is_campaign_response(std::string_view type);

/// Parses one event.
result<v1::Event> event_from_json(std::string_view line);

/// One JSON object per event, in the form `event_from_json` reads (ts in
/// milliseconds); fields that are empty are left out.
std::string event_to_json(const v1::Event& e);

/// A profile as a JSON object: by event type, `count`, `first_at` and
/// `last_at` (ISO-8601, with `_ms` twins) and `properties` (the latest
/// event's).
std::string profile_to_json(const v1::Profile& p);

/// A triggered campaign's pending send: campaign_id, customer_id,
/// occurrence, due_at and event_at (ISO-8601, with `_ms` twins).
std::string pending_send_to_json(const v1::PendingSend& p);

/// A customer's entries into a triggered campaign: campaign_id,
/// customer_id, count, last_at (ISO-8601, with its `_ms` twin), dedup_keys.
std::string entries_to_json(const v1::JourneyEntries& e);

} // namespace troupe::storage
