#pragma once
/// The field checks the JSON Lines codecs share (customers, documents,
/// events): one strict JSON object per line, fields of the wrong type
/// refused by name, whole numbers checked before any conversion, ISO-8601
/// UTC times, and the values of free attributes and event properties.
/// Errors are `storage_errc::bad_json` and `storage_errc::bad_record`.
/// Internal to storage/ (it exposes nlohmann::json).

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "storage/storage_error.hpp"
#include "troupe.pb.h"

namespace troupe::storage::json_fields {

using json = nlohmann::json;

/// The latest time taken: 9999-12-31T23:59:59.999Z.
inline constexpr int64_t max_ts_ms = 253'402'300'799'999;

error refuse(storage_errc code, std::string why);

/// `line` as a JSON object (a key twice is refused, not the last taken).
result<json> parse_object(std::string_view line);

/// "field 'F' must be EXPECTED, not TYPE".
error wrong_type(const std::string& field, const char* expected, const json& v);

/// A list of strings into `out`.
status string_list(const std::string& field, const json& v,
                   google::protobuf::RepeatedPtrField<std::string>* out);

/// A whole number from `lowest` to `highest` (an integer, or a float with
/// no fraction), checked before any conversion: 2^64-1 was stored as -1,
/// and 1e300 as INT64_MIN (a float-to-int cast out of range is undefined).
result<int64_t> whole_in_range(const std::string& key, const json& v, int64_t lowest,
                               int64_t highest);

/// Milliseconds since the epoch of an ISO-8601 UTC time
/// (YYYY-MM-DDTHH:MM:SS[.fff]Z, or a date alone), or an error naming `key`.
result<int64_t> iso_time_ms(const std::string& text, const std::string& key = "ts");

/// A time field: milliseconds since the epoch or an ISO-8601 UTC time.
result<int64_t> time_ms(const std::string& key, const json& v);

/// A free attribute or event property: a string, number, boolean or list
/// of strings.
status attribute_value(const std::string& key, const json& v, v1::AttributeValue& out);

/// The JSON of an attribute value (null for an empty one).
json attribute_json(const v1::AttributeValue& a);

/// `j[name]` = the ISO-8601 time of `ms`, `j[name + "_ms"]` = `ms`; both
/// null when `ms` <= 0 (not known) (common/iso_time.hpp).
void put_time(json& j, const std::string& name, int64_t ms);

} // namespace troupe::storage::json_fields
