#pragma once
/// etcd's v3 JSON gateway, encoded and decoded: the request bodies the
/// client POSTs and its answers as typed values. Pure functions, no I/O.
///
/// The gateway's conventions: keys and values are base64; int64 fields come
/// back as JSON strings (numbers are accepted too); a field at its zero value
/// is left out (absent = 0, empty, false). Every successful answer has a
/// `header` (a keepalive's is inside `result`); an answer without one is
/// `bad_response`. No exception leaves these functions.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "coord/etcd_types.hpp"

namespace troupe::coord {

// ---- requests ----------------------------------------------------------------

/// `/v3/kv/range`: the key alone when `range_end` is empty.
std::string encode_range(const std::string& key, const std::string& range_end);
/// `/v3/kv/put`
std::string encode_put(const std::string& key, const std::string& value, int64_t lease);
/// `/v3/kv/deleterange`
std::string encode_erase(const std::string& key, const std::string& range_end);
/// `/v3/kv/txn`
std::string encode_txn(const std::vector<compare>& compares, const std::vector<txn_op>& success,
                       const std::vector<txn_op>& failure);
/// `/v3/lease/grant`
std::string encode_grant(std::chrono::seconds ttl);
/// `/v3/lease/keepalive`, `/v3/lease/revoke`: `{"ID":"N"}`
std::string encode_lease_id(int64_t id);
/// `/v3/auth/authenticate`
std::string encode_authenticate(const std::string& user, const std::string& password);

// ---- answers -------------------------------------------------------------------

/// etcd's error answer: its gRPC code and message.
struct etcd_error_answer {
  int code = 0;
  std::string message;
};

/// If `body` is an error answer — `{"error","message","code"}`, or a
/// streamed call's `{"error":{"grpc_code","message"}}` — its code and
/// message; nullopt otherwise (a success, or not JSON at all).
std::optional<etcd_error_answer> decode_error_answer(const std::string& body);

result<range_reply> decode_range(const std::string& body);
/// The revision the put created.
result<int64_t> decode_put(const std::string& body);
/// The header's revision of an answer that holds nothing else (a revoke's);
/// `what` names the call in errors.
result<int64_t> decode_revision(const char* what, const std::string& body);
/// The number of keys deleted.
result<int64_t> decode_erase(const std::string& body);
/// `ranges`: one per `response_range`, in order.
result<txn_reply> decode_txn(const std::string& body);
result<lease> decode_grant(const std::string& body);
/// The lease's remaining TTL; `lease_gone` when the answer has none (the
/// lease was revoked or has expired).
result<std::chrono::seconds> decode_keepalive(const std::string& body);
/// The auth token.
result<std::string> decode_token(const std::string& body);

/// At most `limit` bytes of `body`, for error messages ("..." if cut).
std::string excerpt(const std::string& body, std::size_t limit = 200);

} // namespace troupe::coord
