#include "coord/etcd_client.hpp"

#include <algorithm>
#include <optional>

#include "coord/coord_error.hpp"
#include "coord/etcd_json.hpp"
#include "coord/etcd_transport.hpp"

namespace troupe::coord {

namespace {

using clock = std::chrono::steady_clock;

bool contains(const std::string& text, const char* part) {
  return text.find(part) != std::string::npos;
}

/// The answer of a call that reached etcd: its error answer as an error, a
/// non-200 status without one as bad_response, else nothing.
std::optional<error> answer_failure(const char* what, const http_answer& a) {
  if (auto e = decode_error_answer(a.body)) {
    if (contains(e->message, "user name is empty"))
      return make_error(coord_errc::auth_failed,
                        std::string{what} + ": etcd requires authentication and no user is set");
    if (e->code == 16) // Unauthenticated, even after authenticating again
      return make_error(coord_errc::auth_failed, std::string{what} + ": " + e->message);
    return rejected_error(what, e->code, e->message);
  }
  if (a.status != 200)
    return make_error(coord_errc::bad_response, std::string{what} + ": HTTP status "
                                                  + std::to_string(a.status) + " from etcd: '"
                                                  + excerpt(a.body) + "'");
  return std::nullopt;
}

bool invalid_token(const http_answer& a) {
  auto e = decode_error_answer(a.body);
  return e && e->code == 16 && contains(e->message, "invalid auth token");
}

/// etcd's "no such lease", as an error answer says it.
bool lease_not_found(const error& e) {
  return e.is(coord_errc::rejected) && contains(e.message(), "lease not found");
}

} // namespace

result<std::unique_ptr<etcd_client>> etcd_client::create(etcd_options options) {
  if (auto ok = validate(options); !ok)
    return ok.err();
  return std::unique_ptr<etcd_client>{new etcd_client(std::move(options))};
}

etcd_client::etcd_client(etcd_options options)
  : transport_(std::make_unique<etcd_transport>(std::move(options))) {}

etcd_client::~etcd_client() = default;

const etcd_options& etcd_client::options() const { return transport_->options(); }

result<std::string> etcd_client::authenticate(clock::time_point deadline) {
  const auto& o = options();
  auto a = transport_->post("/v3/auth/authenticate", encode_authenticate(o.user, o.password), "",
                            deadline);
  if (!a)
    return a.err();
  if (auto e = decode_error_answer(a->body)) {
    if (retryable_grpc_code(e->code))
      return rejected_error("authenticate", e->code, e->message);
    return make_error(coord_errc::auth_failed, "etcd refused user '" + o.user + "': " + e->message);
  }
  if (auto f = answer_failure("authenticate", *a))
    return *f;
  return decode_token(a->body);
}

result<std::string> etcd_client::token(clock::time_point deadline) {
  if (options().user.empty())
    return std::string{};
  {
    std::lock_guard<std::mutex> guard{token_mutex_};
    if (!token_.empty())
      return token_;
  }
  auto fresh = authenticate(deadline);
  if (!fresh)
    return fresh;
  std::lock_guard<std::mutex> guard{token_mutex_};
  token_ = *fresh;
  return fresh;
}

result<std::string> etcd_client::call(const char* what, const std::string& path,
                                      const std::string& body) {
  const auto& o = options();
  auto deadline = clock::now() + o.timeout * static_cast<int>(o.endpoints.size());
  for (int attempt = 0;; ++attempt) {
    auto t = token(deadline);
    if (!t)
      return t.err();
    auto a = transport_->post(path, body, *t, deadline);
    if (!a)
      return a.err();
    if (attempt == 0 && !t->empty() && invalid_token(*a)) {
      std::lock_guard<std::mutex> guard{token_mutex_};
      if (token_ == *t)
        token_.clear(); // another thread may have renewed it already
      continue;
    }
    if (auto f = answer_failure(what, *a))
      return *f;
    return std::move(a->body);
  }
}

result<range_reply> etcd_client::get(const std::string& key) { return range(key, ""); }

result<range_reply> etcd_client::range(const std::string& begin, const std::string& end) {
  auto body = call("range", "/v3/kv/range", encode_range(begin, end));
  if (!body)
    return body.err();
  return decode_range(*body);
}

result<range_reply> etcd_client::prefix(const std::string& p) {
  auto op = txn_op::prefix(p);
  return range(op.key, op.range_end);
}

result<int64_t> etcd_client::put(const std::string& key, const std::string& value, int64_t lease) {
  auto body = call("put", "/v3/kv/put", encode_put(key, value, lease));
  if (!body)
    return body.err();
  return decode_put(*body);
}

result<int64_t> etcd_client::erase(const std::string& key) {
  auto body = call("delete", "/v3/kv/deleterange", encode_erase(key, ""));
  if (!body)
    return body.err();
  return decode_erase(*body);
}

result<int64_t> etcd_client::erase_prefix(const std::string& p) {
  auto op = txn_op::erase_prefix(p);
  auto body = call("delete", "/v3/kv/deleterange", encode_erase(op.key, op.range_end));
  if (!body)
    return body.err();
  return decode_erase(*body);
}

result<txn_reply> etcd_client::txn(const std::vector<compare>& compares,
                                   const std::vector<txn_op>& success,
                                   const std::vector<txn_op>& failure) {
  auto body = call("txn", "/v3/kv/txn", encode_txn(compares, success, failure));
  if (!body)
    return body.err();
  auto reply = decode_txn(*body);
  if (!reply)
    return reply;
  const auto& ran = reply->succeeded ? success : failure;
  auto ranges = std::count_if(ran.begin(), ran.end(),
                              [](const txn_op& op) { return op.what == txn_op::kind::range; });
  if (static_cast<std::size_t>(ranges) != reply->ranges.size())
    return make_error(coord_errc::bad_response,
                      "etcd's txn answer has " + std::to_string(reply->ranges.size())
                        + " range responses for " + std::to_string(ranges) + " range ops");
  return reply;
}

result<lease> etcd_client::grant(std::chrono::seconds ttl) {
  if (ttl.count() < 1)
    return make_error(coord_errc::invalid,
                      "a lease TTL is at least 1 s, not " + std::to_string(ttl.count()));
  auto body = call("lease grant", "/v3/lease/grant", encode_grant(ttl));
  if (!body)
    return body.err();
  return decode_grant(*body);
}

result<std::chrono::seconds> etcd_client::keepalive(int64_t id) {
  auto body = call("lease keepalive", "/v3/lease/keepalive", encode_lease_id(id));
  if (!body) {
    if (lease_not_found(body.err()))
      return make_error(coord_errc::lease_gone, "lease " + std::to_string(id)
                                                  + " no longer exists: " + body.err().message());
    return body.err();
  }
  return decode_keepalive(*body);
}

status etcd_client::revoke(int64_t id) {
  auto body = call("lease revoke", "/v3/lease/revoke", encode_lease_id(id));
  if (!body && !lease_not_found(body.err()))
    return body.err();
  if (!body)
    return status::success(); // already gone: what revoking wants
  auto checked = decode_revision("lease revoke", *body);
  if (!checked)
    return checked.err();
  return status::success();
}

} // namespace troupe::coord
