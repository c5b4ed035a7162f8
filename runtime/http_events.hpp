#pragma once
/// `POST /v1/events` on the node's HTTP port: events sent by the systems
/// that see customers act (a shop, an app), the same events `event ingest`
/// takes (storage/event_codec.hpp), written durably on the owner of each
/// customer's shard (replicated where replication is on) before the answer.
///
///   request   Authorization: Bearer SECRET   (a token of --tokens whose
///             role is `ingest` or `operator`; anyone when the node has no
///             authentication at all)
///             body: a JSON array of events, or JSON Lines (one a line)
///   202       {"accepted": N, "duplicates": N, "unknown_customers": N,
///              "unmatched": N}: every event is durable (a repeat of one
///             stored before is a duplicate, not stored again)
///   400       {"error": ..., "bad": N, "errors": [{"index": I, "error": ...}]}:
///             the body is not JSON, or items are bad (by index, from 0, at
///             most 100 listed); nothing of the request was written
///   401 / 403 no or an unknown token / a token whose role may not post
///   413       the body is over --max-events-body-bytes, or holds more
///             than --max-events-per-request events; nothing written
///   503       the node is not ready, or events could not all be written
///             (`errors` names them by index; posting the request again
///             is safe: a repeated event is stored once)
///
/// Metrics: troupe_http_event_requests_total{code},
/// troupe_http_events_total{outcome="accepted"|"duplicate"|"rejected"}.

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "common/error.hpp"
#include "config/input_limits.hpp"
#include "customers/import_types.hpp"
#include "runtime/http_access.hpp"
#include "trust/credentials.hpp"

namespace troupe::runtime {


/// Writes a chunk of event lines on the owners of their shards (blocking,
/// bounded): the import router's answer, or why there is none.
using event_sink = std::function<result<customers::import_result>(customers::import_chunk)>;


struct events_metrics {
  explicit events_metrics(prometheus::Registry& registry);
  prometheus::Family<prometheus::Counter>* requests;
  prometheus::Counter* accepted;
  prometheus::Counter* duplicates;
  prometheus::Counter* rejected;
};

class events_endpoint {
public:
  /// Limits: --max-events-body-bytes, --max-events-per-request, and those
  /// of an event line (--max-line-bytes, --max-id-bytes, --max-attributes).
  events_endpoint(config::input_limits limits, http_access access,
                  event_sink sink, std::function<bool()> ready,
                  std::shared_ptr<events_metrics> metrics);

  /// Answers one POST: `authorization` is the header's value (nullopt:
  /// none); `body` at most max_body_bytes, `truncated` when there was more.
  http_reply post(const std::optional<std::string>& authorization, std::string_view body,
                  bool truncated) const;

  /// What is answered before the body is read: a caller without a valid
  /// token, or a declared Content-Length (-1: none) over the limit.
  std::optional<http_reply> before_body(const std::optional<std::string>& authorization,
                                        int64_t content_length) const;

  std::size_t max_body_bytes() const { return limits_.max_events_body_bytes; }

private:
  http_reply answer(http_reply r) const;
  std::optional<http_reply> refuse_caller(const std::optional<std::string>& authorization) const;

  config::input_limits limits_;
  http_access access_;
  event_sink sink_;
  std::function<bool()> ready_;
  std::shared_ptr<events_metrics> metrics_;
};

} // namespace troupe::runtime
