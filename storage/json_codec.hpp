#pragma once
/// JSON Lines records of the reference workload <-> Protobuf records.
/// A line that is not valid JSON, lacks an `id`, or has a field of the wrong
/// type is refused with a reason naming the field; extra fields of a
/// customer become attributes (string, number, boolean, list of strings).

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "storage/event_codec.hpp" // events, which used to be here
#include "storage/storage_error.hpp"
#include "troupe.pb.h"

namespace troupe::storage {

/// The largest count a customer line takes (2^53: every whole number up
/// to it is a double too), and the largest amount or score, either sign.
inline constexpr int64_t max_customer_count = int64_t{1} << 53;
inline constexpr double max_customer_amount = 1e15;

/// Errors are `storage_errc::bad_json` and `storage_errc::bad_record`.
/// Parses one customer line.
result<v1::Customer> customer_from_json(std::string_view line);

/// Parses one corpus (content document) line.
result<v1::ContentDocument> document_from_json(std::string_view line);

/// One JSON object for a customer, in the import format (for export).
std::string customer_to_json(const v1::Customer& c);

/// One JSON object for a content document, in the import format: id,
/// title, body, tags, approved (its version is not a field of the line).
std::string document_to_json(const v1::ContentDocument& d);

/// One JSON object per delivery: customer_id, campaign_id, arm, subject,
/// body, citations, generator, channel, delivered_at (ms since the epoch).
std::string delivery_to_json(const v1::Delivery& d);

/// One JSON object per dead letter: customer_id, campaign_id, stage,
/// reason, attempts, failed_at.
std::string dead_letter_to_json(const v1::DeadLetter& d);

} // namespace troupe::storage
