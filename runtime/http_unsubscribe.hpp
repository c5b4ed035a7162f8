#pragma once
/// `/v1/unsubscribe` on the node's HTTP port: the one-click unsubscribe of
/// the smtp channel's emails (RFC 8058). The link is signed
/// (contact_policy/unsubscribe_link), so it needs no token: it is the
/// customer's own, and proves it.
///
///   GET  ?customer=ID&campaign=ID&sig=SIG   a page with one button that
///        POSTs the same URL (a GET changes nothing: mail scanners and
///        link previews fetch links)
///   POST ?customer=ID&campaign=ID&sig=SIG   (body, from a mail client:
///        List-Unsubscribe=One-Click) writes the event `unsubscribed` for
///        the customer, durably on the owner of its shard, like
///        POST /v1/events (dedup key "unsubscribe:" + campaign: a second
///        click is the same event); from then on no campaign sends to the
///        customer (campaign/unsubscribes)
///   200  done (HTML)
///   400  a parameter missing or malformed, or the query over 2 KiB
///   403  the signature does not match
///   413  a body over 1 KiB
///   503  not ready, busy (more POSTs at once than a quarter of the HTTP
///        threads), or the event could not be written within 10 s (try
///        again: it is written once)
///
/// Metrics: troupe_unsubscribes_total{outcome="unsubscribed"|"repeated"|
/// "bad_signature"|"bad_request"|"failed"}.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "contact_policy/unsubscribe_link.hpp"
#include "runtime/http_events.hpp"

namespace troupe::runtime {

inline constexpr std::size_t max_unsubscribe_query_bytes = 2048;
inline constexpr std::size_t max_unsubscribe_body_bytes = 1024;
/// How long a POST waits for the event to be written.
inline constexpr std::chrono::seconds unsubscribe_sink_timeout{10};

/// An answer of this endpoint: an HTML page.
struct html_reply {
  int code = 200;
  std::string body;
};

class unsubscribe_endpoint {
public:
  /// `max_in_flight`: POSTs answered at once (the rest: 503, so that the
  /// HTTP threads stay free for health, metrics and events); `sink` should
  /// give up after unsubscribe_sink_timeout.
  unsubscribe_endpoint(contact_policy::unsubscribe_link link, event_sink sink,
                       std::function<bool()> ready, prometheus::Registry& registry,
                       unsigned max_in_flight);

  html_reply get(std::string_view query) const;
  /// `truncated`: the body was over max_unsubscribe_body_bytes.
  html_reply post(std::string_view query, bool truncated) const;

private:
  struct checked {
    std::string customer, campaign, sig;
    std::optional<html_reply> refused;
  };
  checked check(std::string_view query) const;
  html_reply count(const char* outcome, html_reply r) const;

  contact_policy::unsubscribe_link link_;
  event_sink sink_;
  std::function<bool()> ready_;
  prometheus::Family<prometheus::Counter>* outcomes_;
  unsigned max_in_flight_;
  mutable std::atomic<unsigned> in_flight_{0};
};

} // namespace troupe::runtime
