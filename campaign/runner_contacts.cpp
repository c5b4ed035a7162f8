#include "campaign/runner_contacts.hpp"

#include <chrono>
#include <thread>
#include <vector>

#include "campaign/contact_counts.hpp"
#include "campaign/stored_status.hpp"
#include "storage/trigger_records.hpp"

namespace troupe::campaign {

runner_contacts::runner_contacts(std::shared_ptr<const storage::store> db, contact_rules rules,
                                 std::string channel)
  : db_(std::move(db)), rules_(std::move(rules)), channel_(std::move(channel)) {}

runner_contacts::~runner_contacts() {
  if (rules_.book == nullptr)
    return;
  if (!claimed_.empty())
    rules_.book->unclaim(claimed_);
  auto lock = rules_.book->lock();
  for (const auto& k : reserved_)
    rules_.book->release(k);
}

int64_t runner_contacts::now() const { return rules_.clock ? rules_.clock() : wall_clock_ms(); }

result<runner_contacts::decision> runner_contacts::ask(const std::string& customer_id,
                                                       const contact_policy::time_zone& zone,
                                                       int64_t now_ms) {
  decision out;
  if (!counting())
    return out;
  contact_policy::contact k{customer_id, channel_, zone.local_day(now_ms)};
  auto lock = rules_.book->lock();
  auto stored = read_contacts(*db_, customer_id, channel_);
  if (!stored)
    return stored.err();
  out.verdict = contact_policy::decide_cap(rules_.frequency_cap, contacts_on(*stored, zone, k.day),
                                           rules_.book->reserved(k));
  if (out.verdict == contact_policy::cap_decision::allow) {
    rules_.book->reserve(k);
    std::lock_guard<std::mutex> guard{mutex_};
    reserved_.insert(std::move(k));
    out.contact_at = now_ms;
  }
  return out;
}

void runner_contacts::gate(work_item& w) {
  if (!counting())
    return;
  // Contacts on their way (another campaign's, or this one's whose write
  // has not been settled yet) decide within moments: wait for them a
  // little, then cap.
  auto zone = zone_of(*w.customer);
  auto asked = ask(w.customer->id(), zone, now());
  for (int i = 0; asked && asked->verdict == contact_policy::cap_decision::wait
                  && i < gate_waits;
       ++i) {
    std::this_thread::sleep_for(gate_wait);
    asked = ask(w.customer->id(), zone, now());
  }
  if (!asked) {
    w.result = outcome::failed;
    w.reason = "cannot read the customer's contacts: " + asked.err().message();
    return;
  }
  if (asked->verdict == contact_policy::cap_decision::allow) {
    w.contact_at = asked->contact_at;
    return;
  }
  w.result = outcome::capped; // recorded, neither sent nor failed
  w.reason = "frequency_capped";
}

status runner_contacts::count(ledger& records, const work_batch& b,
                              std::map<uint32_t, std::string>& refused) {
  if (!counting())
    return status::success();
  struct sent {
    uint32_t shard = 0;
    std::vector<int64_t> at; ///< when each contact was reserved
    const v1::Customer* customer = nullptr;
  };
  std::map<std::string, sent> delivered;
  std::set<contact_policy::contact_book::counted> pairs;
  for (const auto& w : b.items)
    if (w.contact_at && w.result == outcome::delivered) {
      auto& d = delivered[w.customer->id()];
      d.shard = w.shard;
      d.customer = w.customer.get();
      d.at.push_back(*w.contact_at);
      pairs.emplace(w.customer->id(), channel_);
    }
  rules_.book->claim(pairs);
  {
    std::lock_guard<std::mutex> guard{mutex_};
    claimed_.insert(pairs.begin(), pairs.end());
  }
  status first = status::success();
  for (auto& [id, d] : delivered) {
    auto stored = read_contacts(*db_, id, channel_);
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
    storage::put_entries(*db_, records.batch_of(d.shard), *counts);
  }
  return first;
}

contact_policy::contact runner_contacts::key_of(const work_item& w) const {
  return {w.customer->id(), channel_, zone_of(*w.customer).local_day(*w.contact_at)};
}

void runner_contacts::settle(const work_batch& b) {
  if (!counting())
    return;
  std::set<contact_policy::contact_book::counted> pairs;
  {
    auto lock = rules_.book->lock();
    std::lock_guard<std::mutex> guard{mutex_};
    for (const auto& w : b.items)
      if (w.contact_at) {
        auto k = key_of(w);
        rules_.book->release(k);
        if (auto it = reserved_.find(k); it != reserved_.end())
          reserved_.erase(it);
        if (w.result == outcome::delivered)
          if (auto c = claimed_.find({w.customer->id(), channel_}); c != claimed_.end()) {
            pairs.insert(*c);
            claimed_.erase(c);
          }
      }
  }
  rules_.book->unclaim(pairs);
}

} // namespace troupe::campaign
