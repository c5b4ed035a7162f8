#pragma once
/// The webhook delivery channel: HTTP POST of the delivery as JSON (the
/// export format of a delivery) to the campaign's `webhook_url`, with the
/// header `Idempotency-Key: <campaign id>:<customer id>` — the same key on
/// every retry and after a restart, so a receiver that honours it never
/// shows a message twice even when a node dies between its POST and the
/// delivery's write.
///
/// Answers, as the deliver stage and the breaker see them:
///   2xx                      -> receipt {status}: delivered
///   other 4xx (not 408, 429) -> receipt {status}: a permanent refusal, the
///                               stage dead-letters the customer at once;
///                               the provider is healthy, so the breaker
///                               does not count it
///   5xx, 408, 429, timeout,  -> error: the breaker counts it and the stage
///   refused connection          retries with backoff and jitter
///
///   delivery_provider = provider_actor<delivery_request, delivery_receipt>
///
/// Metrics: troupe_webhook_responses_total{code} (HTTP status, "timeout"
/// or "transport").

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/meta/type_name.hpp>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "actors/provider.hpp"

namespace troupe::providers {

struct delivery_request {
  std::string url;
  std::string idempotency_key;
  std::string payload;          ///< JSON
};

struct delivery_receipt {
  int32_t status = 0;           ///< HTTP status
  std::string detail;           ///< the start of the receiver's answer
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, delivery_request& x) {
  return f(caf::meta::type_name("troupe.delivery_request"), x.url, x.idempotency_key,
           x.payload);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, delivery_receipt& x) {
  return f(caf::meta::type_name("troupe.delivery_receipt"), x.status, x.detail);
}

using delivery_provider = actors::provider_actor<delivery_request, delivery_receipt>;

/// True for the statuses that mean "delivered".
inline bool delivered_status(int32_t status) { return status >= 200 && status < 300; }

struct webhook_options {
  std::chrono::milliseconds timeout{5'000}; ///< per POST
  unsigned concurrency = 8;                 ///< POSTs in flight at once
};

class webhook_metrics {
public:
  explicit webhook_metrics(prometheus::Registry& registry);
  /// Counts one answer: an HTTP status, "timeout" or "transport".
  void count(const std::string& code);

private:
  prometheus::Family<prometheus::Counter>* responses_;
};

delivery_provider spawn_webhook_channel(caf::actor_system& sys, webhook_options opts,
                                        std::shared_ptr<webhook_metrics> metrics);

} // namespace troupe::providers
