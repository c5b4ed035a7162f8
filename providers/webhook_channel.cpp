#include "providers/webhook_channel.hpp"

#include "common/metrics.hpp"
#include "providers/blocking_pool.hpp"
#include "providers/http_client.hpp"

namespace troupe::providers {

webhook_metrics::webhook_metrics(prometheus::Registry& registry)
  : responses_(&metrics::counter_family(
      registry, "troupe_webhook_responses_total",
      "Answers of webhook receivers, by HTTP status (or timeout, transport)")) {}

void webhook_metrics::count(const std::string& code) {
  responses_->Add({{"code", code}}).Increment();
}

namespace {

error retryable(std::string why) {
  return error{error_domain::actors, static_cast<int>(actors::actors_errc::provider_failed),
               std::move(why), true};
}

} // namespace

delivery_provider spawn_webhook_channel(caf::actor_system& sys, webhook_options opts,
                                        std::shared_ptr<webhook_metrics> metrics) {
  std::function<blocking_work<delivery_request, delivery_receipt>()> make_work =
    [opts, metrics] {
      auto client = std::make_shared<http_client>();
      return blocking_work<delivery_request, delivery_receipt>{
        [client, opts, metrics](const delivery_request& req) -> result<delivery_receipt> {
          auto answer = client->post(req.url, req.payload,
                                     {"Content-Type: application/json",
                                      "Idempotency-Key: " + req.idempotency_key},
                                     opts.timeout);
          if (!answer) {
            if (metrics)
              metrics->count(is_http_error(answer.err(), http_errc::timeout) ? "timeout"
                                                                              : "transport");
            return answer.err();
          }
          auto status = static_cast<int32_t>(answer->status);
          if (metrics)
            metrics->count(std::to_string(status));
          if (status >= 500 || status == 408 || status == 429 || status < 200)
            return retryable("HTTP " + std::to_string(status) + " from " + req.url);
          return delivery_receipt{status, answer->body.substr(0, 200)};
        }};
    };
  return spawn_blocking_pool<delivery_request, delivery_receipt>(sys, opts.concurrency,
                                                                 make_work);
}

} // namespace troupe::providers
