#include "customers/customer_events.hpp"

#include "campaign/unsubscribes.hpp"

#include "storage/customer_records.hpp"
#include "storage/profile_records.hpp"
#include "storage/storage_error.hpp"
#include "storage/trigger_records.hpp"

namespace troupe::customers {

result<journey_reads> read_journeys(const storage::store& db,
                                    const campaign::trigger_book::snapshot& book,
                                    const customer_events& ce) {
  journey_reads out;
  if (!book)
    return out;
  for (const auto& t : *book) {
    bool enters = false;
    bool cancels = false;
    for (const auto& e : ce.events) {
      enters = enters || e.type() == t.event;
      cancels = cancels || (!t.cancel_on.empty() && e.type() == t.cancel_on);
    }
    // The stored sends matter only to a cancel; sends made by entries
    // alone need no list but their own.
    if (cancels) {
      auto sends = storage::pending_sends_of(db, t.campaign_id, ce.customer_id);
      if (!sends)
        return sends.err();
      out.sends.emplace(t.campaign_id, std::move(*sends));
    } else if (enters) {
      out.sends.emplace(t.campaign_id, std::vector<v1::PendingSend>{});
    }
    if (enters) {
      auto entries = storage::read_entries(db, t.campaign_id, ce.customer_id);
      if (!entries)
        return entries.err();
      out.entries.emplace(t.campaign_id, std::move(*entries));
    }
  }
  return out;
}

journey_source from_reads(std::shared_ptr<const journey_reads> reads) {
  auto missing = [](const char* what, const std::string& campaign,
                    const std::string& customer) {
    return storage::make_error(storage::storage_errc::invalid,
                               std::string{"the "} + what + " of customer " + customer +
                                   " in campaign " + campaign +
                                   " were not read for its actor");
  };
  journey_source s;
  s.entries = [reads, missing](const std::string& campaign, const std::string& customer)
      -> result<std::optional<v1::JourneyEntries>> {
    auto it = reads->entries.find(campaign);
    if (it == reads->entries.end())
      return missing("entries", campaign, customer);
    return it->second;
  };
  s.sends = [reads, missing](
                const std::string& campaign,
                const std::string& customer) -> result<std::vector<v1::PendingSend>> {
    auto it = reads->sends.find(campaign);
    if (it == reads->sends.end())
      return missing("pending sends", campaign, customer);
    return it->second;
  };
  return s;
}

customer_step step_customer(const v1::Customer* customer, v1::Profile profile,
                            journey_source journeys,
                            const campaign::trigger_book::snapshot& book,
                            const customer_events& ce) {
  customer_step out;
  out.customer_id = ce.customer_id;
  out.known = customer != nullptr;
  std::optional<trigger_offer> offer;
  if (book && !book->empty())
    offer.emplace(std::move(journeys), book);
  for (const auto& e : ce.events) {
    storage::count_event(profile, e);
    if (offer)
      if (auto st = offer->offer(e, customer, profile); !st) {
        out.error =
            "cannot offer the event to the triggered campaigns: " + st.err().message();
        return out;
      }
  }
  if (offer)
    out.effects = offer->effects();
  // Unsubscribed (campaign/unsubscribes): the mark every later campaign reads.
  const v1::Event* last_unsubscribe = nullptr;
  for (const auto& e : ce.events)
    if (e.type() == campaign::unsubscribe_event
        && (last_unsubscribe == nullptr || e.ts_ms() >= last_unsubscribe->ts_ms()))
      last_unsubscribe = &e;
  if (last_unsubscribe != nullptr) {
    auto stats = profile.events().find(std::string{campaign::unsubscribe_event});
    out.effects.entries.push_back(campaign::unsubscribe_mark(
        ce.customer_id, last_unsubscribe->ts_ms(),
        stats == profile.events().end() ? 1 : stats->second.count()));
  }
  out.profile = std::move(profile);
  return out;
}

customer_step step_from_store(const storage::store& db,
                              const campaign::trigger_book::snapshot& book,
                              const customer_events& ce) {
  auto failed = [&](std::string why) {
    customer_step out;
    out.customer_id = ce.customer_id;
    out.error = std::move(why);
    return out;
  };
  auto record = storage::read_customer(db, ce.customer_id);
  if (!record)
    return failed("cannot read the customer: " + record.err().message());
  auto profile = storage::read_profile(db, ce.customer_id);
  if (!profile)
    return failed("cannot read the customer's profile: " + profile.err().message());
  auto reads = read_journeys(db, book, ce);
  if (!reads)
    return failed("cannot read the customer's journeys: " + reads.err().message());
  return step_customer(
      *record ? &**record : nullptr, profile->value_or(v1::Profile{}),
      from_reads(std::make_shared<const journey_reads>(std::move(*reads))), book, ce);
}

} // namespace troupe::customers
