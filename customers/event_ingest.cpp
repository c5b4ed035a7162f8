#include "customers/event_ingest.hpp"

#include <map>
#include <set>
#include <unordered_map>

#include "customers/import_limits.hpp"
#include "customers/sharded_write.hpp"
#include "storage/customer_records.hpp"
#include "storage/event_codec.hpp"
#include "storage/event_records.hpp"
#include "storage/outcome_records.hpp"
#include "storage/profile_records.hpp"

namespace troupe::customers {

namespace {

/// What a chunk learns of each customer it names, read once per chunk.
struct customer_seen {
  std::optional<v1::Customer> record; ///< the customer's, when the store holds it
  std::optional<v1::Profile> profile; ///< read, then counted into; written if changed
  uint32_t shard = 0;
  bool changed = false;
};

} // namespace

import_result ingest_events(storage::store& db, storage::shard_writer& writer,
                            const import_chunk& chunk,
                            sharding::shard_ownership* ownership,
                            const config::input_limits& limits,
                            const campaign::trigger_book* triggers,
                            const std::function<void(const trigger_offer&)>& on_written) {
  import_result out;
  std::optional<trigger_offer> offer;
  if (triggers)
    offer.emplace(db, triggers->current());
  sharded_write shards{ownership};
  std::set<std::string> keys_in_batch;
  /// (campaign, customer) -> has a delivery, per chunk
  std::map<std::pair<std::string, std::string>, bool> delivered;
  std::unordered_map<std::string, customer_seen> customers;
  auto reject = [&](uint64_t line, std::string reason) {
    reject_line(out, line, std::move(reason));
  };
  /// The customer's entry, read on its first event; null after a reject.
  auto seen_of = [&](const std::string& id, uint32_t shard, uint64_t line_no) -> customer_seen* {
    auto it = customers.find(id);
    if (it != customers.end())
      return &it->second;
    auto record = storage::read_customer(db, id);
    if (!record) {
      reject(line_no, "cannot read the customer: " + record.err().message());
      return nullptr;
    }
    auto profile = storage::read_profile(db, id);
    if (!profile) {
      reject(line_no, "cannot read the customer's profile: " + profile.err().message());
      return nullptr;
    }
    customer_seen s;
    s.record = std::move(*record);
    s.profile = std::move(*profile);
    s.shard = shard;
    return &customers.emplace(id, std::move(s)).first->second;
  };
  uint64_t written = 0;
  auto parse = [](const std::string& line) { return storage::event_from_json(line); };
  auto over = [&](const v1::Event& e) { return event_over_limit(e, limits); };
  for_each_record(chunk, limits, out, parse, over, [&](std::size_t i, uint64_t line_no,
                                                       const v1::Event& event) {
    const auto* e = &event;
    auto shard = db.shard_of(e->customer_id());
    if (!shards.enter(shard)) {
      out.add_foreign(i, shard);
      return;
    }
    auto seen = storage::has_event(db, *e);
    if (!seen) {
      reject(line_no, "cannot read the events: " + seen.err().message());
      return;
    }
    if (*seen || !keys_in_batch.insert(storage::event_identity(*e)).second) {
      ++out.duplicates;
      return;
    }
    auto* who = seen_of(e->customer_id(), shard, line_no);
    if (!who)
      return;
    if (!e->campaign_id().empty()) {
      auto delivery = std::make_pair(e->campaign_id(), e->customer_id());
      auto known = delivered.find(delivery);
      if (known == delivered.end()) {
        auto d = storage::has_delivery(db, e->campaign_id(), e->customer_id());
        if (!d) {
          reject(line_no, "cannot read the deliveries: " + d.err().message());
          return;
        }
        known = delivered.emplace(delivery, *d).first;
      }
      if (!known->second)
        ++out.unmatched;
    }
    auto profile = who->profile.value_or(v1::Profile{});
    storage::count_event(profile, *e);
    if (offer && !offer->idle())
      if (auto st = offer->offer(*e, who->record ? &*who->record : nullptr, profile); !st) {
        reject(line_no, "cannot offer the event to the triggered campaigns: "
                          + st.err().message());
        return;
      }
    if (!who->record)
      ++out.unknown_customers;
    who->profile = std::move(profile);
    who->changed = true;
    storage::put_event(shards.batch_for(shard, line_no), *e);
    ++written;
  });
  // Each changed profile once, in its shard's part: written with its events or not at all.
  for (auto& [id, who] : customers)
    if (who.changed)
      storage::put_profile(db, shards.batch_of(who.shard), *who.profile);
  if (offer)
    offer->write_into([&](uint32_t shard) -> storage::write_batch& {
      return shards.batch_of(shard);
    });
  // Duplicates, unmatched and unknown were counted over every shard's lines;
  // a part not written rejects its lines (they may be sent again).
  written -= shards.write(writer, out);
  out.imported = written;
  if (offer)
    offer->forget_shards(shards.refused());
  if (offer && on_written && (!offer->pending().empty() || !offer->cancelled().empty()))
    on_written(*offer);
  return out;
}

} // namespace troupe::customers
