#include "runtime/http_unsubscribe.hpp"

#include <algorithm>
#include <chrono>

#include <nlohmann/json.hpp>

#include "campaign/unsubscribes.hpp"
#include "common/log.hpp"
#include "common/metrics.hpp"

namespace troupe::runtime {

namespace {

std::string escape_html(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

html_reply page(int code, std::string_view title, std::string_view text,
                std::string_view form_action = {}) {
  std::string body = "<!doctype html><html><head><meta charset=\"utf-8\"><title>" +
                     escape_html(title) + "</title></head><body><h1>" +
                     escape_html(title) + "</h1><p>" + escape_html(text) + "</p>";
  if (!form_action.empty())
    body += "<form method=\"post\" action=\"" + escape_html(form_action) +
            "\"><input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
            "<button type=\"submit\">Unsubscribe</button></form>";
  body += "</body></html>\n";
  return {code, std::move(body)};
}

} // namespace

unsubscribe_endpoint::unsubscribe_endpoint(contact_policy::unsubscribe_link link,
                                           event_sink sink, std::function<bool()> ready,
                                           prometheus::Registry& registry, unsigned max_in_flight)
    : link_(std::move(link)), sink_(std::move(sink)), ready_(std::move(ready)),
      outcomes_(&metrics::counter_family(registry, "troupe_unsubscribes_total",
                                         "One-click unsubscribe requests, by outcome")),
      max_in_flight_(std::max(1u, max_in_flight)) {}

html_reply unsubscribe_endpoint::count(const char* outcome, html_reply r) const {
  outcomes_->Add({{"outcome", outcome}}).Increment();
  return r;
}

unsubscribe_endpoint::checked unsubscribe_endpoint::check(std::string_view query) const {
  checked out;
  if (query.size() > max_unsubscribe_query_bytes) {
    out.refused = count("bad_request", page(400, "Bad request", "The link is too long."));
    return out;
  }
  auto customer = contact_policy::query_value(query, "customer");
  auto campaign = contact_policy::query_value(query, "campaign");
  auto sig = contact_policy::query_value(query, "sig");
  if (!customer || !campaign || !sig || customer->empty() || campaign->empty() ||
      sig->empty()) {
    out.refused =
        count("bad_request", page(400, "Bad request",
                                  "The link lacks customer, campaign or sig, or "
                                  "holds a malformed %XX."));
    return out;
  }
  if (!link_.verify(*customer, *campaign, *sig)) {
    out.refused = count("bad_signature",
                        page(403, "Link not valid",
                             "This unsubscribe link does not match its signature."));
    return out;
  }
  out.customer = std::move(*customer);
  out.campaign = std::move(*campaign);
  out.sig = std::move(*sig);
  return out;
}

html_reply unsubscribe_endpoint::get(std::string_view query) const {
  auto c = check(query);
  if (c.refused)
    return *c.refused;
  // The form posts to this same URL (relative: the query only).
  return page(200, "Unsubscribe", "Press the button to stop receiving these messages.",
              "?" + std::string{query});
}

html_reply unsubscribe_endpoint::post(std::string_view query, bool truncated) const {
  if (truncated)
    return count("bad_request",
                 page(413, "Request too large",
                      "The request body is over " +
                          std::to_string(max_unsubscribe_body_bytes) + " bytes."));
  auto c = check(query);
  if (c.refused)
    return *c.refused;
  if (!ready_())
    return count("failed", page(503, "Try again", "The service is starting; try again."));
  struct slot {
    std::atomic<unsigned>& n;
    ~slot() { --n; }
  } taken{in_flight_};
  if (++in_flight_ > max_in_flight_)
    return count("busy", page(503, "Try again", "Too many requests at once; try again."));
  nlohmann::json event{
      {"customer_id", c.customer},
      {"type", std::string{campaign::unsubscribe_event}},
      {"ts", std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count()},
      {"dedup_key", "unsubscribe:" + c.campaign},
      {"properties", {{"campaign", c.campaign}, {"via", "list-unsubscribe"}}}};
  customers::import_chunk chunk;
  chunk.kind = customers::import_kind::events;
  chunk.lines.push_back(
      event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  auto written = sink_(std::move(chunk));
  if (!written || written->rejected > 0 || !written->errors.empty()) {
    auto why = !written                  ? written.err().message()
               : written->errors.empty() ? std::string{"rejected"}
                                         : written->errors.front().reason;
    log::warn("http", "unsubscribe of customer ", c.customer, " (campaign ", c.campaign,
              ") not written: ", why);
    return count("failed", page(503, "Try again",
                                "The unsubscribe could not be recorded; try again."));
  }
  log::info("http", "customer ", c.customer, " unsubscribed (link of campaign ",
            c.campaign, ")");
  return count(written->duplicates > 0 ? "repeated" : "unsubscribed",
               page(200, "Unsubscribed", "You will receive no more of these messages."));
}

} // namespace troupe::runtime
