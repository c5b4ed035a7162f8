#include "customers/trigger_offer.hpp"

#include <algorithm>
#include <iterator>
#include <optional>

#include "storage/trigger_records.hpp"

namespace troupe::customers {

v1::Customer properties_as_customer(const v1::Event& e) {
  v1::Customer c;
  c.set_id(e.customer_id());
  *c.mutable_attributes() = e.properties();
  return c;
}

v1::Customer with_profile(const v1::Customer& c, const v1::Profile& p) {
  v1::Customer out = c;
  auto& attrs = *out.mutable_attributes();
  for (const auto& [type, s] : p.events()) {
    for (auto [suffix, value] : {std::pair{"_count", static_cast<double>(s.count())},
                                 std::pair{"_first", static_cast<double>(s.first_ms())},
                                 std::pair{"_last", static_cast<double>(s.last_ms())}}) {
      auto name = type + suffix;
      if (attrs.count(name) == 0)
        attrs[name].set_number(value);
    }
  }
  return out;
}

std::string occurrence_of(const v1::Event& e) {
  if (!e.dedup_key().empty())
    return "k:" + e.dedup_key();
  if (!e.id().empty())
    return "i:" + e.id();
  return "t:" + std::to_string(e.ts_ms());
}

journey_source store_journeys(const storage::store& db) {
  journey_source s;
  s.entries = [&db](const std::string& campaign, const std::string& customer) {
    return storage::read_entries(db, campaign, customer);
  };
  s.sends = [&db](const std::string& campaign, const std::string& customer) {
    return storage::pending_sends_of(db, campaign, customer);
  };
  return s;
}

void trigger_effects::append(trigger_effects other) {
  std::move(other.entries.begin(), other.entries.end(), std::back_inserter(entries));
  std::move(other.pending.begin(), other.pending.end(), std::back_inserter(pending));
  std::move(other.cancelled.begin(), other.cancelled.end(), std::back_inserter(cancelled));
}

trigger_offer::trigger_offer(journey_source source, campaign::trigger_book::snapshot book)
  : source_(std::move(source)), book_(std::move(book)) {}

result<v1::JourneyEntries*> trigger_offer::entries_of(const journey& j) {
  auto it = entries_.find(j);
  if (it != entries_.end())
    return &it->second;
  auto stored = source_.entries(j.first, j.second);
  if (!stored)
    return stored.err();
  v1::JourneyEntries e;
  if (*stored)
    e = std::move(**stored);
  e.set_campaign_id(j.first);
  e.set_customer_id(j.second);
  return &entries_.emplace(j, std::move(e)).first->second;
}

result<std::vector<v1::PendingSend>*> trigger_offer::sends_of(const journey& j) {
  auto it = sends_.find(j);
  if (it != sends_.end())
    return &it->second;
  auto stored = source_.sends(j.first, j.second);
  if (!stored)
    return stored.err();
  return &sends_.emplace(j, std::move(*stored)).first->second;
}

status trigger_offer::offer(const v1::Event& e, const v1::Customer* customer,
                            const v1::Profile& profile) {
  // Everything this event needs is read first: a read that fails leaves
  // the offer as it was (the event's line is rejected, nothing of it stays).
  for (const auto& t : *book_) {
    journey j{t.campaign_id, e.customer_id()};
    bool cancels = !t.cancel_on.empty() && e.type() == t.cancel_on;
    bool may_enter = e.type() == t.event && customer != nullptr;
    if (cancels || may_enter)
      if (auto sends = sends_of(j); !sends)
        return sends.err();
    if (may_enter)
      if (auto entries = entries_of(j); !entries)
        return entries.err();
  }
  // Built once per event, for the campaigns that read them.
  std::optional<v1::Customer> as_fields;
  std::optional<v1::Customer> profiled;
  for (const auto& t : *book_) {
    journey j{t.campaign_id, e.customer_id()};
    if (!t.cancel_on.empty() && e.type() == t.cancel_on) {
      auto sends = sends_of(j);
      if (!sends)
        return sends.err();
      auto& list = **sends;
      auto cancels = [&](const v1::PendingSend& p) { return p.event_ms() <= e.ts_ms(); };
      for (const auto& p : list)
        if (cancels(p))
          cancelled_.push_back(p);
      list.erase(std::remove_if(list.begin(), list.end(), cancels), list.end());
    }
    if (e.type() != t.event || customer == nullptr)
      continue;
    if (t.where) {
      if (!as_fields)
        as_fields = properties_as_customer(e);
      if (!t.where->selects(*as_fields))
        continue;
    }
    if (t.segment) {
      if (!profiled)
        profiled = with_profile(*customer, profile);
      if (!t.segment->selects(*profiled))
        continue;
    }
    auto entries = entries_of(j);
    if (!entries)
      return entries.err();
    auto& seen = **entries;
    auto occurrence = occurrence_of(e);
    bool again = false;
    switch (t.reentry) {
      case v1::REENTRY_PER_DEDUP_KEY: {
        const auto& keys = seen.dedup_keys();
        again = std::find(keys.begin(), keys.end(), occurrence) != keys.end();
        break;
      }
      case v1::REENTRY_AFTER:
        again = seen.count() > 0 && e.ts_ms() < seen.last_ms() + t.reentry_after_ms;
        break;
      default:
        again = seen.count() > 0;
        break;
    }
    if (again)
      continue;
    storage::count_entry(seen, t.reentry == v1::REENTRY_PER_DEDUP_KEY ? occurrence : "",
                         e.ts_ms());
    entries_changed_[j] = true;
    v1::PendingSend p;
    p.set_campaign_id(t.campaign_id);
    p.set_customer_id(e.customer_id());
    p.set_occurrence(occurrence);
    p.set_event_ms(e.ts_ms());
    p.set_due_ms(e.ts_ms() + t.delay_ms);
    auto sends = sends_of(j);
    if (!sends)
      return sends.err();
    (*sends)->push_back(p);
    pending_.push_back(std::move(p));
  }
  return status::success();
}

trigger_effects trigger_offer::effects() const {
  trigger_effects fx;
  fx.pending = pending_;
  fx.cancelled = cancelled_;
  for (const auto& [j, changed] : entries_changed_)
    if (changed)
      fx.entries.push_back(entries_.at(j));
  return fx;
}

void forget_shards(const storage::store& db, trigger_effects& fx,
                   const std::set<uint32_t>& shards) {
  if (shards.empty())
    return;
  auto in = [&](const auto& x) { return shards.count(db.shard_of(x.customer_id())) > 0; };
  fx.pending.erase(std::remove_if(fx.pending.begin(), fx.pending.end(), in), fx.pending.end());
  fx.cancelled.erase(std::remove_if(fx.cancelled.begin(), fx.cancelled.end(), in),
                     fx.cancelled.end());
  fx.entries.erase(std::remove_if(fx.entries.begin(), fx.entries.end(), in), fx.entries.end());
}

void write_effects(const storage::store& db, const trigger_effects& fx,
                   const std::function<storage::write_batch&(uint32_t)>& batch_of) {
  for (const auto& p : fx.cancelled)
    storage::erase_timer(db, batch_of(db.shard_of(p.customer_id())), p);
  // A send made and cancelled in this chunk is neither put nor left.
  for (const auto& p : fx.pending) {
    bool gone = std::any_of(fx.cancelled.begin(), fx.cancelled.end(), [&](const auto& c) {
      return c.campaign_id() == p.campaign_id() && c.customer_id() == p.customer_id()
             && c.occurrence() == p.occurrence();
    });
    if (!gone)
      storage::put_timer(db, batch_of(db.shard_of(p.customer_id())), p);
  }
  for (const auto& e : fx.entries)
    storage::put_entries(db, batch_of(db.shard_of(e.customer_id())), e);
}

} // namespace troupe::customers
