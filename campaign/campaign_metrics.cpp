#include "campaign/campaign_metrics.hpp"

#include <algorithm>

#include "common/metrics.hpp"

namespace troupe::campaign {

namespace {

constexpr outcome counted[] = {outcome::delivered, outcome::blocked, outcome::skipped,
                               outcome::failed,    outcome::held_out, outcome::capped};

constexpr const char* journey_events[] = {"entered", "cancelled", "held"};

} // namespace

void campaign_series::settled(outcome o, bool held) const {
  if (auto* counter = outcomes[static_cast<std::size_t>(o)])
    counter->Increment();
  if (held && journeys)
    journeys->held->Increment();
}

void campaign_series::news(std::size_t entered, std::size_t cancelled) const {
  if (!journeys)
    return;
  journeys->entered->Increment(static_cast<double>(entered));
  journeys->cancelled->Increment(static_cast<double>(cancelled));
}

void campaign_series::pending(std::size_t n) const {
  if (journeys)
    journeys->pending->Set(static_cast<double>(n));
}

campaign_metrics::campaign_metrics(prometheus::Registry& registry, std::size_t keep_finished)
  : registry_(registry), keep_finished_(keep_finished),
    stages_(std::make_shared<stage_metrics>(registry)),
    customers_(&metrics::counter_family(registry, "troupe_campaign_customers_total",
                                        "Customers a campaign has handled, by outcome")),
    state_(&metrics::gauge_family(registry, "troupe_campaign_state",
                                  "Campaign state: 1 created, 2 running, 3 paused, "
                                  "4 completed, 5 cancelled, 6 failed")),
    journeys_(&metrics::counter_family(registry, "troupe_campaign_journeys_total",
                                       "A triggered campaign's journeys: customers entered, "
                                       "sends cancelled, sends held by quiet hours")),
    pending_(&metrics::gauge_family(registry, "troupe_campaign_pending_sends",
                                    "A triggered campaign's sends waiting here for their time "
                                    "or in its pipeline")) {}

std::shared_ptr<campaign_series> campaign_metrics::series(const std::string& campaign,
                                                          bool triggered) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto& s = series_[campaign];
  if (s && triggered && !s->journeys) // once a batch campaign's, now a triggered one's
    s = nullptr;
  if (!s) {
    s = std::make_shared<campaign_series>();
    for (auto o : counted)
      s->outcomes[static_cast<std::size_t>(o)]
        = &customers_->Add({{"campaign", campaign}, {"outcome", to_string(o)}});
    s->pipeline = std::make_shared<pipeline_metrics>(registry_, "campaign:" + campaign);
    if (triggered) {
      auto event = [&](const char* e) { return &journeys_->Add({{"campaign", campaign}, {"event", e}}); };
      s->journeys = journey_series{event("entered"), event("cancelled"), event("held"),
                                   &pending_->Add({{"campaign", campaign}})};
    }
  }
  return s;
}

void campaign_metrics::set_state(const std::string& campaign, campaign_state s) {
  std::lock_guard<std::mutex> guard{mutex_};
  state_->Add({{"campaign", campaign}}).Set(static_cast<double>(s));
  if (!is_final(s))
    return;
  if (std::find(finished_.begin(), finished_.end(), campaign) == finished_.end())
    finished_.push_back(campaign);
  forget_oldest_finished();
}

void campaign_metrics::forget_oldest_finished() {
  // The oldest finished campaigns go first; one still held (a replay of its
  // dead letters running) stays, and with it the rest until a later call.
  while (finished_.size() > keep_finished_) {
    const auto& oldest = finished_.front();
    auto held = series_.find(oldest);
    if (held != series_.end() && held->second.use_count() > 1)
      return;
    remove_series(oldest);
    finished_.pop_front();
  }
}

void campaign_metrics::remove_series(const std::string& campaign) {
  for (auto o : counted)
    customers_->Remove(&customers_->Add({{"campaign", campaign}, {"outcome", to_string(o)}}));
  state_->Remove(&state_->Add({{"campaign", campaign}}));
  auto it = series_.find(campaign);
  if (it != series_.end() && it->second->journeys) {
    for (auto e : journey_events)
      journeys_->Remove(&journeys_->Add({{"campaign", campaign}, {"event", e}}));
    pending_->Remove(&pending_->Add({{"campaign", campaign}}));
  }
  pipeline_metrics::remove(registry_, "campaign:" + campaign);
  series_.erase(campaign);
}

} // namespace troupe::campaign
