#include "campaign/counters.hpp"

namespace troupe::campaign {

namespace {

/// The counter of outcome `o` (pending counts as failed).
uint64_t& bucket(campaign_counters& c, outcome o) {
  switch (o) {
    case outcome::delivered: return c.delivered;
    case outcome::blocked: return c.blocked;
    case outcome::skipped: return c.skipped;
    case outcome::held_out: return c.held_out;
    case outcome::capped: return c.capped;
    default: return c.failed;
  }
}

void decrement(uint64_t& x) { x = x > 0 ? x - 1 : 0; }

} // namespace

campaign_counters& campaign_counters::operator+=(const campaign_counters& x) {
  processed += x.processed;
  in_segment += x.in_segment;
  delivered += x.delivered;
  blocked += x.blocked;
  skipped += x.skipped;
  failed += x.failed;
  entered += x.entered;
  cancelled += x.cancelled;
  capped += x.capped;
  held += x.held;
  held_out += x.held_out;
  if (arm_audience.size() < x.arm_audience.size())
    arm_audience.resize(x.arm_audience.size());
  for (std::size_t i = 0; i < x.arm_audience.size(); ++i)
    arm_audience[i] += x.arm_audience[i];
  return *this;
}

bool campaign_counters::operator==(const campaign_counters& x) const {
  return processed == x.processed && in_segment == x.in_segment && delivered == x.delivered
         && blocked == x.blocked && skipped == x.skipped && failed == x.failed
         && entered == x.entered && cancelled == x.cancelled && capped == x.capped
         && held == x.held && held_out == x.held_out && arm_audience == x.arm_audience;
}

campaign_counters campaign_counters::one(outcome o) {
  campaign_counters c;
  c.processed = 1;
  c.in_segment = o == outcome::skipped ? 0 : 1;
  ++bucket(c, o);
  return c;
}

void campaign_counters::recount(outcome from, outcome to) {
  decrement(bucket(*this, from));
  if (from == outcome::skipped && to != outcome::skipped)
    ++in_segment;
  if (from != outcome::skipped && to == outcome::skipped)
    decrement(in_segment);
  ++bucket(*this, to);
}

void campaign_counters::count_arm(std::size_t index, int delta) {
  if (arm_audience.size() <= index)
    arm_audience.resize(index + 1);
  if (delta < 0)
    decrement(arm_audience[index]);
  else
    arm_audience[index] += static_cast<uint64_t>(delta);
}

campaign_counters from_proto(const v1::CampaignCounters& c) {
  campaign_counters out;
  out.processed = c.processed();
  out.in_segment = c.in_segment();
  out.delivered = c.delivered();
  out.blocked = c.blocked();
  out.skipped = c.skipped();
  out.failed = c.failed();
  out.entered = c.triggered();
  out.cancelled = c.cancelled();
  out.capped = c.capped();
  out.held = c.held();
  out.held_out = c.held_out();
  out.arm_audience.assign(c.arm_audience().begin(), c.arm_audience().end());
  return out;
}

v1::CampaignCounters to_proto(const campaign_counters& c) {
  v1::CampaignCounters out;
  out.set_processed(c.processed);
  out.set_in_segment(c.in_segment);
  out.set_delivered(c.delivered);
  out.set_blocked(c.blocked);
  out.set_skipped(c.skipped);
  out.set_failed(c.failed);
  out.set_triggered(c.entered);
  out.set_cancelled(c.cancelled);
  out.set_capped(c.capped);
  out.set_held(c.held);
  out.set_held_out(c.held_out);
  for (auto n : c.arm_audience)
    out.add_arm_audience(n);
  return out;
}

} // namespace troupe::campaign
