#include "campaign/trigger_book.hpp"

#include <caf/actor_addr.hpp>

namespace troupe::campaign {

result<armed_trigger> arm_trigger(const v1::CampaignSpec& spec, int max_predicate_depth) {
  armed_trigger t;
  t.campaign_id = spec.id();
  t.event = spec.trigger().event();
  auto compile = [&](const std::string& text,
                     const char* what) -> result<std::optional<segment::predicate>> {
    if (text.empty())
      return std::optional<segment::predicate>{};
    auto p = segment::predicate::compile(text, max_predicate_depth);
    if (!p)
      return error{error_domain::campaign, 1,
                   "campaign " + spec.id() + ": " + what + ": " + p.err().message(), false};
    return std::optional<segment::predicate>{std::move(*p)};
  };
  auto where = compile(spec.trigger().where(), "trigger.where");
  if (!where)
    return where.err();
  t.where = std::move(*where);
  auto segment = compile(spec.segment(), "segment");
  if (!segment)
    return segment.err();
  t.segment = std::move(*segment);
  t.delay_ms = spec.delay_ms();
  t.cancel_on = spec.cancel_on();
  t.reentry = spec.reentry();
  t.reentry_after_ms = spec.reentry_after_ms();
  return t;
}

trigger_book::snapshot trigger_book::current() const {
  std::lock_guard<std::mutex> lock{mutex_};
  return current_;
}

void trigger_book::arm(armed_trigger t) {
  std::lock_guard<std::mutex> lock{mutex_};
  auto next = std::make_shared<std::vector<armed_trigger>>();
  for (const auto& old : *current_)
    if (old.campaign_id != t.campaign_id)
      next->push_back(old);
  next->push_back(std::move(t));
  current_ = std::move(next);
}

void trigger_book::disarm(const std::string& campaign_id) {
  std::lock_guard<std::mutex> lock{mutex_};
  auto next = std::make_shared<std::vector<armed_trigger>>();
  for (const auto& old : *current_)
    if (old.campaign_id != campaign_id)
      next->push_back(old);
  current_ = std::move(next);
}

void trigger_book::disarm(const std::string& campaign_id, const caf::actor_addr& runner) {
  std::lock_guard<std::mutex> lock{mutex_};
  auto next = std::make_shared<std::vector<armed_trigger>>();
  for (const auto& old : *current_)
    if (old.campaign_id != campaign_id || old.runner.address() != runner)
      next->push_back(old);
  current_ = std::move(next);
}

} // namespace troupe::campaign
