#include "campaign/campaign_metrics.hpp"

#include "common/metrics.hpp"

namespace troupe::campaign {

campaign_metrics::campaign_metrics(prometheus::Registry& registry)
  : registry_(registry), stages_(std::make_shared<stage_metrics>(registry)),
    customers_(&metrics::counter_family(registry, "troupe_campaign_customers_total",
                                        "Customers a campaign has handled, by outcome")),
    state_(&metrics::gauge_family(registry, "troupe_campaign_state",
                                  "Campaign state: 1 created, 2 running, 3 paused, "
                                  "4 completed, 5 cancelled, 6 failed")) {}

prometheus::Counter& campaign_metrics::customers(const std::string& campaign, outcome o) {
  return customers_->Add({{"campaign", campaign}, {"outcome", to_string(o)}});
}

prometheus::Gauge& campaign_metrics::state(const std::string& campaign) {
  return state_->Add({{"campaign", campaign}});
}

void campaign_metrics::set_state(const std::string& campaign, campaign_state s) {
  state(campaign).Set(static_cast<double>(s));
}

std::shared_ptr<pipeline_metrics> campaign_metrics::pipeline(const std::string& campaign) {
  return std::make_shared<pipeline_metrics>(registry_, "campaign:" + campaign);
}

} // namespace troupe::campaign
