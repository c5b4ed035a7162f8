#include "runtime/http_events.hpp"

#include <nlohmann/json.hpp>

#include "common/metrics.hpp"
#include "customers/import_limits.hpp"
#include "storage/event_codec.hpp"

namespace troupe::runtime {

namespace {

using json = nlohmann::json;

/// How deep an item of a JSON array body may nest (an event is an object
/// whose `properties` hold lists at most: 3 levels below the array).
constexpr int max_body_depth = 8;
/// The most bad items an answer lists.
constexpr std::size_t max_listed = 100;

http_reply reply(int code, const json& body) { return json_reply(code, body); }

/// The body's items as lines, or the reply refusing it.
struct split_body {
  std::vector<std::string> lines;
  std::optional<http_reply> refused;
};

split_body split(std::string_view body, std::size_t max_events) {
  split_body out;
  auto first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    out.refused = error_reply(400, "the body holds no events");
    return out;
  }
  auto too_many = [&] {
    out.refused = error_reply(413, "the body holds more than " + std::to_string(max_events)
                                     + " events (--max-events-per-request)");
  };
  if (body[first] == '[') {
    // A JSON array; its depth bounded before anything walks it.
    bool too_deep = false;
    auto parsed = json::parse(
      body.begin(), body.end(),
      [&](int depth, json::parse_event_t, json&) {
        too_deep = too_deep || depth > max_body_depth;
        return !too_deep;
      },
      false);
    if (too_deep) {
      out.refused = error_reply(400, "the body nests deeper than "
                                       + std::to_string(max_body_depth) + " levels");
      return out;
    }
    if (parsed.is_discarded() || !parsed.is_array()) {
      out.refused = error_reply(400, "the body is neither a JSON array of events nor JSON Lines");
      return out;
    }
    if (parsed.size() > max_events) {
      too_many();
      return out;
    }
    for (auto& item : parsed)
      out.lines.push_back(item.dump(-1, ' ', false, json::error_handler_t::replace));
    return out;
  }
  // JSON Lines: one event a line; blank lines are skipped and not counted.
  std::size_t at = 0;
  while (at < body.size()) {
    auto end = body.find('\n', at);
    if (end == std::string_view::npos)
      end = body.size();
    auto line = body.substr(at, end - at);
    at = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos)
      continue;
    if (out.lines.size() == max_events) {
      too_many();
      return out;
    }
    out.lines.emplace_back(line);
  }
  return out;
}

} // namespace

events_metrics::events_metrics(prometheus::Registry& registry)
  : requests(&prometheus::BuildCounter()
                .Name("troupe_http_event_requests_total")
                .Help("POST /v1/events requests, by the status code answered")
                .Register(registry)) {
  auto& events = prometheus::BuildCounter()
                   .Name("troupe_http_events_total")
                   .Help("Events posted to /v1/events, by what became of them")
                   .Register(registry);
  accepted = &events.Add({{"outcome", "accepted"}});
  duplicates = &events.Add({{"outcome", "duplicate"}});
  rejected = &events.Add({{"outcome", "rejected"}});
}

events_endpoint::events_endpoint(config::input_limits limits, http_access access,
                                 event_sink sink,
                                 std::function<bool()> ready,
                                 std::shared_ptr<events_metrics> metrics)
  : limits_(limits), access_(std::move(access)), sink_(std::move(sink)),
    ready_(std::move(ready)), metrics_(std::move(metrics)) {}

http_reply events_endpoint::answer(http_reply r) const {
  if (metrics_)
    metrics_->requests->Add({{"code", std::to_string(r.code)}}).Increment();
  return r;
}

std::optional<http_reply>
events_endpoint::refuse_caller(const std::optional<std::string>& authorization) const {
  return runtime::refuse_caller(access_, authorization, trust::permission::ingest,
                                "ingest or operator");
}

std::optional<http_reply>
events_endpoint::before_body(const std::optional<std::string>& authorization,
                             int64_t content_length) const {
  if (auto refused = refuse_caller(authorization))
    return answer(*refused);
  if (content_length > static_cast<int64_t>(limits_.max_events_body_bytes))
    return answer(error_reply(413, "the body is " + std::to_string(content_length)
                                     + " bytes, over the limit of "
                                     + std::to_string(limits_.max_events_body_bytes)
                                     + " (--max-events-body-bytes)"));
  return std::nullopt;
}

http_reply events_endpoint::post(const std::optional<std::string>& authorization,
                                 std::string_view body, bool truncated) const {
  if (auto refused = refuse_caller(authorization))
    return answer(*refused);
  if (truncated)
    return answer(error_reply(413, "the body is over " + std::to_string(limits_.max_events_body_bytes)
                                     + " bytes (--max-events-body-bytes)"));
  if (ready_ && !ready_())
    return answer(error_reply(503, "the node is not ready"));
  auto items = split(body, limits_.max_events_per_request);
  if (items.refused)
    return answer(*items.refused);
  // Every item checked before anything is written: a bad one refuses them all.
  json errors = json::array();
  std::size_t bad = 0;
  for (std::size_t i = 0; i < items.lines.size(); ++i) {
    std::string why;
    if (items.lines[i].size() > limits_.max_line_bytes) {
      why = "the event is " + std::to_string(items.lines[i].size())
            + " bytes, over the limit of " + std::to_string(limits_.max_line_bytes)
            + " (--max-line-bytes)";
    } else if (auto e = storage::event_from_json(items.lines[i]); !e) {
      why = e.err().message();
    } else if (auto breach = customers::event_over_limit(*e, limits_)) {
      why = *breach;
    } else {
      continue;
    }
    if (bad++ < max_listed)
      errors.push_back({{"index", i}, {"error", why}});
  }
  if (bad > 0) {
    if (metrics_)
      metrics_->rejected->Increment(static_cast<double>(items.lines.size()));
    return answer(reply(400, {{"error", std::to_string(bad) + " of "
                                          + std::to_string(items.lines.size())
                                          + " events are bad: nothing was written"},
                              {"bad", bad},
                              {"errors", errors}}));
  }
  customers::import_chunk chunk;
  chunk.kind = customers::import_kind::events;
  chunk.first_line = 1; // line n is the item of index n - 1
  auto count = items.lines.size();
  chunk.lines = std::move(items.lines);
  auto written = sink_(std::move(chunk));
  if (!written) {
    if (metrics_)
      metrics_->rejected->Increment(static_cast<double>(count));
    return answer(error_reply(503, "the events were not written: " + written.err().message()
                                     + " (posting them again is safe)"));
  }
  const auto& r = *written;
  if (metrics_) {
    metrics_->accepted->Increment(static_cast<double>(r.imported));
    metrics_->duplicates->Increment(static_cast<double>(r.duplicates));
    metrics_->rejected->Increment(static_cast<double>(r.rejected));
  }
  json out{{"accepted", r.imported},
           {"duplicates", r.duplicates},
           {"unknown_customers", r.unknown_customers},
           {"unmatched", r.unmatched}};
  if (r.rejected == 0)
    return answer(reply(202, out));
  json lost = json::array();
  for (const auto& e : r.errors)
    lost.push_back({{"index", e.line - 1}, {"error", e.reason}});
  out["error"] = std::to_string(r.rejected) + " of " + std::to_string(count)
                 + " events were not written (posting the request again is safe: a repeated "
                   "event is stored once)";
  out["not_written"] = r.rejected;
  out["errors"] = std::move(lost);
  return answer(reply(503, out));
}

} // namespace troupe::runtime
