#include "storage/trigger_records.hpp"

#include <algorithm>

#include "storage/keys.hpp"

namespace troupe::storage {

namespace {

std::string journey_key(const store& db, std::string_view campaign, std::string_view customer) {
  return keys::journey(db.shard_of(customer), campaign, customer);
}

} // namespace

std::string timer_key(const store& db, const v1::PendingSend& p) {
  return keys::pending_send(db.shard_of(p.customer_id()), p.campaign_id(), p.customer_id(),
                            p.occurrence());
}

void put_timer(const store& db, write_batch& batch, const v1::PendingSend& p) {
  batch.put(column::timers, timer_key(db, p), p);
}

void erase_timer(const store& db, write_batch& batch, const v1::PendingSend& p) {
  batch.erase(column::timers, timer_key(db, p));
}

result<std::vector<v1::PendingSend>> pending_sends_of(const store& db,
                                                      std::string_view campaign_id,
                                                      std::string_view customer_id) {
  auto prefix = journey_key(db, campaign_id, customer_id) + '\0';
  std::vector<v1::PendingSend> out;
  auto st = db.scan<v1::PendingSend>(column::timers, prefix, keys::prefix_end(prefix),
                                     [&](std::string_view, const v1::PendingSend& p) {
                                       out.push_back(p);
                                       return true;
                                     });
  if (!st)
    return st.err();
  return out;
}

result<std::vector<v1::PendingSend>> pending_sends_of_customer(const store& db,
                                                               std::string_view customer_id) {
  std::vector<v1::PendingSend> out;
  auto st = scan_timers(db, db.shard_of(customer_id), "", [&](const v1::PendingSend& p) {
    if (p.customer_id() == customer_id)
      out.push_back(p);
    return true;
  });
  if (!st)
    return st.err();
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.due_ms() < b.due_ms();
  });
  return out;
}

result<bool> timer_pending(const store& db, const v1::PendingSend& p) {
  auto found = db.get_raw(column::timers, timer_key(db, p));
  if (!found)
    return found.err();
  return found->has_value();
}

status scan_timers(const store& db, uint32_t shard, std::string_view campaign_id,
                   const std::function<bool(const v1::PendingSend&)>& visit) {
  auto prefix = keys::shard_begin(shard);
  if (!campaign_id.empty()) {
    prefix.append(campaign_id);
    prefix.push_back('\0');
  }
  return db.scan<v1::PendingSend>(column::timers, prefix, keys::prefix_end(prefix),
                                  [&](std::string_view, const v1::PendingSend& p) {
                                    return visit(p);
                                  });
}

result<std::optional<v1::JourneyEntries>> read_entries(const store& db,
                                                       std::string_view campaign_id,
                                                       std::string_view customer_id) {
  return db.get<v1::JourneyEntries>(column::entries,
                                    journey_key(db, campaign_id, customer_id));
}

void put_entries(const store& db, write_batch& batch, const v1::JourneyEntries& e) {
  batch.put(column::entries, journey_key(db, e.campaign_id(), e.customer_id()), e);
}

void count_entry(v1::JourneyEntries& e, const std::string& dedup_key, int64_t event_ms) {
  e.set_count(e.count() + 1);
  e.set_last_ms(std::max(e.last_ms(), event_ms));
  if (dedup_key.empty())
    return;
  auto* keys = e.mutable_dedup_keys();
  if (std::find(keys->begin(), keys->end(), dedup_key) != keys->end())
    return;
  if (static_cast<std::size_t>(keys->size()) >= max_remembered_dedup_keys)
    keys->erase(keys->begin());
  keys->Add(std::string{dedup_key});
}

} // namespace troupe::storage
