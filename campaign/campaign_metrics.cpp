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

campaign_metrics::campaign_metrics(prometheus::Registry& registry, std::size_t keep_finished,
                                   std::chrono::seconds retention, std::function<int64_t()> clock)
  : registry_(registry), keep_finished_(keep_finished), retention_(retention),
    clock_(clock ? std::move(clock) : [] {
      return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
    }),
    stages_(std::make_shared<stage_metrics>(registry)),
    customers_(&metrics::counter_family(registry, "troupe_campaign_customers_total",
                                        "Customers a campaign has handled, by outcome")),
    state_(&metrics::gauge_family(registry, "troupe_campaign_state",
                                  "1 for the state a campaign is in (created, running, "
                                  "paused, completed, cancelled, failed), 0 for the others")),
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
    s->pipeline = std::make_shared<pipeline_metrics>(registry_, campaign);
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
  for (auto state : all_states)
    state_->Add({{"campaign", campaign}, {"state", to_string(state)}}).Set(state == s ? 1 : 0);
  auto known = std::find_if(finished_.begin(), finished_.end(),
                            [&](const finished& f) { return f.campaign == campaign; });
  if (!is_final(s)) { // running again (a resumed or replayed campaign): not finished
    if (known != finished_.end())
      finished_.erase(known);
    return;
  }
  if (known != finished_.end())
    finished_.erase(known);
  finished_.push_back({campaign, clock_()});
  forget_finished();
}

void campaign_metrics::sweep() {
  std::lock_guard<std::mutex> guard{mutex_};
  forget_finished();
}

void campaign_metrics::forget_finished() {
  // The oldest finished campaigns go first, once past the retention or
  // beyond the newest `keep_finished_`; one still held (a replay of its
  // dead letters running) stays, and with it the rest until a later call.
  auto now = clock_();
  while (!finished_.empty()
         && (finished_.size() > keep_finished_
             || now - finished_.front().at >= static_cast<int64_t>(retention_.count()))) {
    const auto& oldest = finished_.front().campaign;
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
  for (auto state : all_states)
    state_->Remove(&state_->Add({{"campaign", campaign}, {"state", to_string(state)}}));
  auto it = series_.find(campaign);
  if (it != series_.end() && it->second->journeys) {
    for (auto e : journey_events)
      journeys_->Remove(&journeys_->Add({{"campaign", campaign}, {"event", e}}));
    pending_->Remove(&pending_->Add({{"campaign", campaign}}));
  }
  pipeline_metrics::remove(registry_, campaign);
  series_.erase(campaign);
}

} // namespace troupe::campaign
