#include "campaign/trigger_contacts.hpp"

#include <vector>

#include "campaign/contact_counts.hpp"
#include "storage/trigger_records.hpp"

namespace troupe::campaign {

trigger_contacts::trigger_contacts(const contact_rules& rules, std::string channel)
  : rules_(rules), channel_(std::move(channel)) {}

trigger_contacts::~trigger_contacts() {
  if (rules_.book == nullptr)
    return;
  if (!claimed_.empty())
    rules_.book->unclaim(claimed_);
  auto lock = rules_.book->lock();
  for (const auto& k : reserved_)
    rules_.book->release(k);
}

result<trigger_contacts::decision> trigger_contacts::ask(const storage::store& db,
                                                        const std::string& customer_id,
                                                        const contact_policy::time_zone& zone,
                                                        int64_t now_ms) {
  decision out;
  if (!counting())
    return out;
  contact_policy::contact k{customer_id, channel_, zone.local_day(now_ms)};
  auto lock = rules_.book->lock();
  auto stored = read_contacts(db, customer_id, channel_);
  if (!stored)
    return stored.err();
  out.verdict = contact_policy::decide_cap(rules_.frequency_cap, contacts_on(*stored, zone, k.day),
                                           rules_.book->reserved(k));
  if (out.verdict == contact_policy::cap_decision::allow) {
    rules_.book->reserve(k);
    reserved_.insert(std::move(k));
    out.contact_at = now_ms;
  }
  return out;
}

status trigger_contacts::count(const storage::store& db, ledger& records, const work_batch& b,
                               std::map<uint32_t, std::string>& refused) {
  if (!counting())
    return status::success();
  struct sent {
    uint32_t shard = 0;
    std::vector<int64_t> at; ///< when each contact was reserved
    const v1::Customer* customer = nullptr;
  };
  std::map<std::string, sent> delivered;
  for (const auto& w : b.items)
    if (w.contact_at && w.result == outcome::delivered) {
      auto& d = delivered[w.customer->id()];
      d.shard = w.shard;
      d.customer = w.customer.get();
      d.at.push_back(*w.contact_at);
      claimed_.emplace(w.customer->id(), channel_);
    }
  rules_.book->claim(claimed_);
  status first = status::success();
  for (auto& [id, d] : delivered) {
    auto stored = read_contacts(db, id, channel_);
    if (!stored) {
      refused.emplace(d.shard, "cannot read the contacts of " + id + ": "
                                 + stored.err().message());
      if (first)
        first = stored.err();
      continue;
    }
    auto zone = zone_of(*d.customer);
    auto counts = std::move(*stored);
    for (auto at : d.at) // each on the day it was reserved on
      counts = add_contacts(std::move(counts), id, channel_, zone, 1, at);
    storage::put_entries(db, records.batch_of(d.shard), *counts);
  }
  return first;
}

contact_policy::contact trigger_contacts::key_of(const work_item& w) const {
  return {w.customer->id(), channel_, zone_of(*w.customer).local_day(*w.contact_at)};
}

void trigger_contacts::settle(const work_batch& b) {
  if (!counting())
    return;
  {
    auto lock = rules_.book->lock();
    for (const auto& w : b.items)
      if (w.contact_at) {
        auto k = key_of(w);
        rules_.book->release(k);
        if (auto it = reserved_.find(k); it != reserved_.end())
          reserved_.erase(it);
      }
  }
  rules_.book->unclaim(claimed_);
  claimed_.clear();
}

} // namespace troupe::campaign
