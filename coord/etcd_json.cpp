#include "coord/etcd_json.hpp"

#include <cerrno>
#include <cstdlib>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "coord/base64.hpp"
#include "coord/coord_error.hpp"

namespace troupe::coord {

using nlohmann::json;

namespace {

/// Thrown inside this file only, for an answer that does not have the shape
/// expected; caught by `decode` below.
struct malformed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A compare target's name in etcd's JSON and the field its operand goes in.
struct target_json {
  const char* name;
  const char* field;
};

target_json json_of(compare::target t) {
  switch (t) {
    case compare::target::version: return {"VERSION", "version"};
    case compare::target::create: return {"CREATE", "create_revision"};
    case compare::target::mod: return {"MOD", "mod_revision"};
    case compare::target::value: return {"VALUE", "value"};
    case compare::target::lease: return {"LEASE", "lease"};
  }
  return {"VERSION", "version"};
}

const char* relation_name(compare::relation r) {
  switch (r) {
    case compare::relation::equal: return "EQUAL";
    case compare::relation::not_equal: return "NOT_EQUAL";
    case compare::relation::greater: return "GREATER";
    case compare::relation::less: return "LESS";
  }
  return "EQUAL";
}

json key_range(const std::string& key, const std::string& range_end) {
  json j{{"key", base64_encode(key)}};
  if (!range_end.empty())
    j["range_end"] = base64_encode(range_end);
  return j;
}

json put_body(const std::string& key, const std::string& value, int64_t lease) {
  json j{{"key", base64_encode(key)}, {"value", base64_encode(value)}};
  if (lease != 0)
    j["lease"] = std::to_string(lease);
  return j;
}

json op_json(const txn_op& op) {
  switch (op.what) {
    case txn_op::kind::range: return {{"request_range", key_range(op.key, op.range_end)}};
    case txn_op::kind::put: return {{"request_put", put_body(op.key, op.value, op.lease)}};
    case txn_op::kind::erase:
      return {{"request_delete_range", key_range(op.key, op.range_end)}};
  }
  return json::object();
}

json ops_json(const std::vector<txn_op>& ops) {
  json a = json::array();
  for (const auto& op : ops)
    a.push_back(op_json(op));
  return a;
}

/// An int64 field: a JSON string of digits or a number; absent = 0.
int64_t int_field(const json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null())
    return 0;
  if (it->is_number_integer())
    return it->get<int64_t>();
  if (!it->is_string())
    throw malformed(std::string{"'"} + name + "' is not an integer");
  const auto& text = it->get_ref<const std::string&>();
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || errno != 0 || *end != '\0')
    throw malformed(std::string{"'"} + name + "' is not an integer: '" + excerpt(text, 40) + "'");
  return v;
}

/// A base64 field; absent = empty.
std::string bytes_field(const json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null())
    return {};
  if (!it->is_string())
    throw malformed(std::string{"'"} + name + "' is not a string");
  auto bytes = base64_decode(it->get_ref<const std::string&>());
  if (!bytes)
    throw malformed(std::string{"'"} + name + "' is not base64");
  return std::move(*bytes);
}

const json& object_field(const json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || !it->is_object())
    throw malformed(std::string{"no '"} + name + "' object");
  return *it;
}

int64_t header_revision(const json& obj) {
  return int_field(object_field(obj, "header"), "revision");
}

/// An array of objects; absent = empty.
const json& objects_field(const json& obj, const char* name) {
  static const json none = json::array();
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null())
    return none;
  if (!it->is_array())
    throw malformed(std::string{"'"} + name + "' is not an array");
  for (const auto& entry : *it)
    if (!entry.is_object())
      throw malformed(std::string{"an entry of '"} + name + "' is not an object");
  return *it;
}

std::vector<key_value> kvs_field(const json& obj) {
  std::vector<key_value> out;
  for (const auto& kv : objects_field(obj, "kvs")) {
    out.push_back(key_value{bytes_field(kv, "key"), bytes_field(kv, "value"),
                            int_field(kv, "create_revision"), int_field(kv, "mod_revision"),
                            int_field(kv, "version"), int_field(kv, "lease")});
  }
  return out;
}

/// Parses `body` as a JSON object and hands it to `f`; any failure is
/// `bad_response` naming `what`.
template <class F>
auto decode(const char* what, const std::string& body, F f) -> decltype(f(json{})) {
  auto j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return make_error(coord_errc::bad_response,
                      std::string{"etcd's "} + what + " answer is not a JSON object: '"
                        + excerpt(body) + "'");
  try {
    return f(j);
  } catch (const std::exception& e) {
    return make_error(coord_errc::bad_response,
                      std::string{"etcd's "} + what + " answer: " + e.what() + ": '"
                        + excerpt(body) + "'");
  }
}

} // namespace

std::string encode_range(const std::string& key, const std::string& range_end) {
  return key_range(key, range_end).dump();
}

std::string encode_put(const std::string& key, const std::string& value, int64_t lease) {
  return put_body(key, value, lease).dump();
}

std::string encode_erase(const std::string& key, const std::string& range_end) {
  return key_range(key, range_end).dump();
}

std::string encode_txn(const std::vector<compare>& compares, const std::vector<txn_op>& success,
                       const std::vector<txn_op>& failure) {
  json cs = json::array();
  for (const auto& c : compares) {
    auto target = json_of(c.what);
    json j{{"target", target.name}, {"result", relation_name(c.how)},
           {"key", base64_encode(c.key)}};
    if (c.what == compare::target::value)
      j[target.field] = base64_encode(c.value);
    else
      j[target.field] = std::to_string(c.number);
    if (!c.range_end.empty())
      j["range_end"] = base64_encode(c.range_end);
    cs.push_back(std::move(j));
  }
  return json{{"compare", cs}, {"success", ops_json(success)}, {"failure", ops_json(failure)}}
    .dump();
}

std::string encode_grant(std::chrono::seconds ttl) {
  return json{{"TTL", std::to_string(ttl.count())}}.dump();
}

std::string encode_lease_id(int64_t id) {
  return json{{"ID", std::to_string(id)}}.dump();
}

std::string encode_authenticate(const std::string& user, const std::string& password) {
  return json{{"name", user}, {"password", password}}.dump();
}

std::optional<etcd_error_answer> decode_error_answer(const std::string& body) {
  auto j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.contains("header") || j.contains("result"))
    return std::nullopt;
  try {
    auto text = [](const json& o, const char* name) -> std::string {
      auto it = o.find(name);
      return it != o.end() && it->is_string() ? it->get<std::string>() : std::string{};
    };
    if (auto it = j.find("error"); it != j.end() && it->is_object()) { // a stream's error
      etcd_error_answer a{static_cast<int>(int_field(*it, "grpc_code")), text(*it, "message")};
      return a;
    }
    if (!j.contains("code") && !j.contains("error") && !j.contains("message"))
      return std::nullopt;
    etcd_error_answer a{static_cast<int>(int_field(j, "code")), text(j, "message")};
    if (a.message.empty())
      a.message = text(j, "error");
    return a;
  } catch (const std::exception&) {
    return etcd_error_answer{2, "an unreadable error answer: '" + excerpt(body) + "'"};
  }
}

result<range_reply> decode_range(const std::string& body) {
  return decode("range", body, [](const json& j) -> result<range_reply> {
    return range_reply{header_revision(j), kvs_field(j)};
  });
}

result<int64_t> decode_put(const std::string& body) { return decode_revision("put", body); }

result<int64_t> decode_revision(const char* what, const std::string& body) {
  return decode(what, body, [](const json& j) -> result<int64_t> { return header_revision(j); });
}

result<int64_t> decode_erase(const std::string& body) {
  return decode("delete", body, [](const json& j) -> result<int64_t> {
    header_revision(j);
    return int_field(j, "deleted");
  });
}

result<txn_reply> decode_txn(const std::string& body) {
  return decode("txn", body, [](const json& j) -> result<txn_reply> {
    txn_reply reply;
    reply.revision = header_revision(j);
    if (auto it = j.find("succeeded"); it != j.end() && !it->is_null()) {
      if (!it->is_boolean())
        throw malformed("'succeeded' is not a boolean");
      reply.succeeded = it->get<bool>();
    }
    for (const auto& r : objects_field(j, "responses")) {
      if (auto rr = r.find("response_range"); rr != r.end()) {
        if (!rr->is_object())
          throw malformed("'response_range' is not an object");
        reply.ranges.push_back(range_reply{reply.revision, kvs_field(*rr)});
      }
    }
    return reply;
  });
}

result<lease> decode_grant(const std::string& body) {
  return decode("lease grant", body, [](const json& j) -> result<lease> {
    header_revision(j);
    if (auto it = j.find("error"); it != j.end() && it->is_string() && !it->get<std::string>().empty())
      return rejected_error("lease grant", 0, it->get<std::string>());
    lease l{int_field(j, "ID"), std::chrono::seconds{int_field(j, "TTL")}};
    if (l.id == 0)
      throw malformed("no lease 'ID'");
    return l;
  });
}

result<std::chrono::seconds> decode_keepalive(const std::string& body) {
  return decode("lease keepalive", body, [](const json& j) -> result<std::chrono::seconds> {
    const auto& r = object_field(j, "result");
    header_revision(r);
    auto ttl = int_field(r, "TTL");
    if (ttl <= 0)
      return make_error(coord_errc::lease_gone,
                        "lease " + std::to_string(int_field(r, "ID"))
                          + " no longer exists (revoked or expired)");
    return std::chrono::seconds{ttl};
  });
}

result<std::string> decode_token(const std::string& body) {
  return decode("authenticate", body, [](const json& j) -> result<std::string> {
    header_revision(j);
    auto it = j.find("token");
    if (it == j.end() || !it->is_string() || it->get<std::string>().empty())
      throw malformed("no 'token'");
    return it->get<std::string>();
  });
}

std::string excerpt(const std::string& body, std::size_t limit) {
  if (body.size() <= limit)
    return body;
  return body.substr(0, limit) + "...";
}

} // namespace troupe::coord
