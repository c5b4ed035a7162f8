#include "storage/json_fields.hpp"

#include "common/iso_time.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>

#include "storage/strict_json.hpp"

namespace troupe::storage::json_fields {

error refuse(storage_errc code, std::string why) { return make_error(code, std::move(why)); }

result<json> parse_object(std::string_view line) {
  auto parsed = parse_strict(line);
  if (!parsed.problem.empty())
    return refuse(storage_errc::bad_json, parsed.problem);
  auto& j = parsed.value;
  if (!j.is_object())
    return refuse(storage_errc::bad_json, "not a JSON object");
  return j;
}

error wrong_type(const std::string& field, const char* expected, const json& v) {
  return refuse(storage_errc::bad_record,
                "field '" + field + "' must be " + expected + ", not " + v.type_name());
}

status string_list(const std::string& field, const json& v,
                   google::protobuf::RepeatedPtrField<std::string>* out) {
  if (!v.is_array())
    return wrong_type(field, "a list of strings", v);
  for (const auto& item : v) {
    if (!item.is_string())
      return wrong_type(field, "a list of strings", v);
    out->Add(item.get<std::string>());
  }
  return status::success();
}

result<int64_t> whole_in_range(const std::string& key, const json& v, int64_t lowest,
                               int64_t highest) {
  auto out_of_range = [&] {
    return refuse(storage_errc::bad_record, "field '" + key + "' must be a whole number from " +
                                              std::to_string(lowest) + " to " +
                                              std::to_string(highest) + ", not " + v.dump());
  };
  if (v.is_number_unsigned()) {
    auto u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(highest))
      return out_of_range();
    return static_cast<int64_t>(u);
  }
  if (v.is_number_integer()) {
    auto i = v.get<int64_t>();
    if (i < lowest || i > highest)
      return out_of_range();
    return i;
  }
  if (v.is_number_float()) {
    auto d = v.get<double>();
    if (!std::isfinite(d) || std::floor(d) != d)
      return wrong_type(key, "a whole number", v);
    if (d < static_cast<double>(lowest) || d > static_cast<double>(highest))
      return out_of_range();
    return static_cast<int64_t>(d);
  }
  return wrong_type(key, "a whole number", v);
}

result<int64_t> iso_time_ms(const std::string& text, const std::string& key) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
  int used = 0;
  auto field = "field '" + key + "'";
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3 || used != 10)
    return refuse(storage_errc::bad_record,
                  field + " must be milliseconds or an ISO-8601 UTC time, not '" + text + "'");
  std::string rest = text.substr(10);
  if (!rest.empty()) {
    int n = 0;
    if (std::sscanf(rest.c_str(), "T%2d:%2d:%2d%n", &h, &mi, &s, &n) != 3)
      return refuse(storage_errc::bad_record, field + ": bad time of day in '" + text + "'");
    rest = rest.substr(static_cast<std::size_t>(n));
    if (!rest.empty() && rest[0] == '.') {
      std::size_t i = 1;
      int digits = 0;
      for (; i < rest.size() && std::isdigit(static_cast<unsigned char>(rest[i])); ++i)
        if (digits++ < 3)
          ms = ms * 10 + (rest[i] - '0');
      for (; digits < 3; ++digits)
        ms *= 10;
      rest = rest.substr(i);
    }
    if (rest != "Z" && rest != "+00:00")
      return refuse(storage_errc::bad_record,
                    field + " must be in UTC (end with Z), not '" + text + "'");
  }
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  static const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 ||
      d > month_days[mo - 1] + (mo == 2 && leap ? 1 : 0) || h > 23 || mi > 59 || s > 60)
    return refuse(storage_errc::bad_record, field + ": no such time '" + text + "'");
  // Days from the civil date (proleptic Gregorian), H. Hinnant's formula.
  y -= mo <= 2 ? 1 : 0;
  int era = (y >= 0 ? y : y - 399) / 400;
  int yoe = y - era * 400;
  int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = static_cast<int64_t>(era) * 146097 + doe - 719468;
  return ((days * 24 + h) * 60 + mi) * 60'000 + s * 1000 + ms;
}

result<int64_t> time_ms(const std::string& key, const json& v) {
  if (v.is_number())
    return whole_in_range(key, v, 0, max_ts_ms);
  if (v.is_string())
    return iso_time_ms(v.get<std::string>(), key);
  return wrong_type(key, "milliseconds or an ISO-8601 time", v);
}

status attribute_value(const std::string& key, const json& v, v1::AttributeValue& out) {
  if (v.is_string())
    out.set_text(v.get<std::string>());
  else if (v.is_boolean())
    out.set_flag(v.get<bool>());
  else if (v.is_number())
    out.set_number(v.get<double>());
  else if (v.is_array())
    return string_list(key, v, out.mutable_list()->mutable_items());
  else
    return wrong_type(key, "a string, number, boolean or list of strings", v);
  return status::success();
}

json attribute_json(const v1::AttributeValue& a) {
  switch (a.kind_case()) {
    case v1::AttributeValue::kText: return a.text();
    case v1::AttributeValue::kNumber: return a.number();
    case v1::AttributeValue::kFlag: return a.flag();
    case v1::AttributeValue::kList:
      return std::vector<std::string>(a.list().items().begin(), a.list().items().end());
    default: return nullptr;
  }
}

void put_time(json& j, const std::string& name, int64_t ms) {
  j[name] = ms > 0 ? json(iso_time_text(ms)) : json(nullptr);
  j[name + "_ms"] = ms > 0 ? json(ms) : json(nullptr);
}

} // namespace troupe::storage::json_fields
