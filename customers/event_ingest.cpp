#include "customers/event_ingest.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "customers/import_limits.hpp"
#include "customers/sharded_write.hpp"
#include "storage/event_codec.hpp"
#include "storage/event_records.hpp"
#include "storage/outcome_records.hpp"
#include "storage/profile_records.hpp"
#include "storage/storage_error.hpp"

namespace troupe::customers {

namespace {

/// Where a customer's events came from, as they wait for its step.
struct customer_lines {
  uint32_t shard = 0;
  std::vector<uint64_t> lines;       ///< each event's
  std::vector<std::size_t> chunks;   ///< each event's chunk
  std::vector<bool> unmatched;       ///< each event's: names a campaign that never delivered to it
};

} // namespace

event_steps store_steps(const storage::store& db) {
  event_steps s;
  s.step = [&db](const event_batch& batch) -> result<std::vector<customer_step>> {
    std::vector<customer_step> out;
    out.reserve(batch.customers.size());
    for (const auto& ce : batch.customers)
      out.push_back(step_from_store(db, batch.book, ce));
    return out;
  };
  return s;
}

import_result ingest_events(storage::store& db, storage::shard_writer& writer,
                            const import_chunk& chunk,
                            sharding::shard_ownership* ownership,
                            const config::input_limits& limits,
                            const campaign::trigger_book* triggers,
                            const std::function<void(const trigger_effects&)>& on_written,
                            const event_steps& steps) {
  return std::move(ingest_event_chunks(db, writer, {&chunk}, ownership, limits, triggers,
                                       on_written, steps)
                     .front());
}

std::vector<import_result>
ingest_event_chunks(storage::store& db, storage::shard_writer& writer,
                    const std::vector<const import_chunk*>& chunks,
                    sharding::shard_ownership* ownership, const config::input_limits& limits,
                    const campaign::trigger_book* triggers,
                    const std::function<void(const trigger_effects&)>& on_written,
                    const event_steps& steps) {
  std::vector<import_result> results(chunks.size());
  sharded_write shards{ownership};
  /// Each new event's identity -> the customer (index in the batch) whose
  /// events hold its first copy.
  std::unordered_map<std::string, std::size_t> first_copy;
  /// A later copy of an event first seen in this flush: a duplicate only
  /// if its first copy is written.
  struct later_copy {
    std::size_t chunk;
    uint64_t line;
    std::size_t first;
  };
  std::vector<later_copy> later_copies;
  /// (campaign, customer) -> has a delivery
  std::map<std::pair<std::string, std::string>, bool> delivered;
  event_batch batch;
  if (triggers)
    batch.book = triggers->current();
  std::vector<customer_lines> from;                      ///< by index in the batch
  std::unordered_map<std::string, std::size_t> index_of; ///< customer -> index
  for (std::size_t c = 0; c < chunks.size(); ++c) {
    auto& out = results[c];
    auto reject = [&](uint64_t line, std::string reason) {
      reject_line(out, line, std::move(reason));
    };
    auto parse = [](const std::string& line) { return storage::event_from_json(line); };
    auto over = [&](const v1::Event& e) { return event_over_limit(e, limits); };
    for_each_record(*chunks[c], limits, out, parse, over,
                    [&](std::size_t i, uint64_t line_no, const v1::Event& e) {
      auto shard = db.shard_of(e.customer_id());
      if (!shards.enter(shard)) {
        out.add_foreign(i, shard);
        return;
      }
      auto seen = storage::has_event(db, e);
      if (!seen) {
        reject(line_no, "cannot read the events: " + seen.err().message());
        return;
      }
      if (*seen) {
        ++out.duplicates;
        return;
      }
      auto identity = storage::event_identity(e);
      if (auto copy = first_copy.find(identity); copy != first_copy.end()) {
        ++out.duplicates;
        later_copies.push_back({c, line_no, copy->second});
        return;
      }
      bool unmatched = false;
      if (!e.campaign_id().empty()) {
        auto delivery = std::make_pair(e.campaign_id(), e.customer_id());
        auto known = delivered.find(delivery);
        if (known == delivered.end()) {
          auto d = storage::has_delivery(db, e.campaign_id(), e.customer_id());
          if (!d) {
            reject(line_no, "cannot read the deliveries: " + d.err().message());
            return;
          }
          known = delivered.emplace(delivery, *d).first;
        }
        unmatched = !known->second;
      }
      auto [it, first] = index_of.try_emplace(e.customer_id(), batch.customers.size());
      if (first) {
        batch.customers.push_back(customer_events{e.customer_id(), {}});
        from.emplace_back().shard = shard;
      }
      first_copy.emplace(std::move(identity), it->second);
      batch.customers[it->second].events.push_back(e);
      from[it->second].lines.push_back(line_no);
      from[it->second].chunks.push_back(c);
      from[it->second].unmatched.push_back(unmatched);
    });
  }
  // Each customer's events go to its step (its actor) at once.
  auto stepped = batch.customers.empty()
                   ? result<std::vector<customer_step>>{std::vector<customer_step>{}}
                   : (steps.step ? steps.step(batch) : store_steps(db).step(batch));
  if (stepped && stepped->size() != batch.customers.size())
    stepped = storage::make_error(storage::storage_errc::invalid,
                                  "the customers' steps do not match their events");
  std::vector<uint64_t> written(chunks.size(), 0);
  trigger_effects effects;
  std::vector<v1::Profile> profiles;
  for (std::size_t k = 0; k < batch.customers.size(); ++k) {
    const auto& ce = batch.customers[k];
    const auto& lines = from[k];
    const std::string* why = nullptr;
    std::string failed;
    if (!stepped) {
      failed = "the customers' actors did not take the events: " + stepped.err().message();
      why = &failed;
    } else if (!(*stepped)[k].error.empty()) {
      why = &(*stepped)[k].error;
    }
    if (why) {
      for (std::size_t j = 0; j < lines.lines.size(); ++j)
        reject_line(results[lines.chunks[j]], lines.lines[j], *why);
      continue;
    }
    auto& step = (*stepped)[k];
    for (std::size_t j = 0; j < ce.events.size(); ++j) {
      auto& out = results[lines.chunks[j]];
      storage::put_event(shards.batch_for(lines.shard, lines.lines[j], 0, lines.chunks[j]),
                         ce.events[j]);
      ++written[lines.chunks[j]];
      if (lines.unmatched[j])
        ++out.unmatched;
      if (!step.known)
        ++out.unknown_customers;
    }
    // The profile stands or falls with its events, in their shard's part.
    storage::put_profile(db, shards.batch_of(lines.shard), step.profile);
    effects.append(std::move(step.effects));
    profiles.push_back(std::move(step.profile));
  }
  write_effects(db, effects, [&](uint32_t shard) -> storage::write_batch& {
    return shards.batch_of(shard);
  });
  // Duplicates, unmatched and unknown were counted over every shard's lines;
  // a part not written rejects its lines (they may be sent again).
  std::vector<import_result*> outs;
  for (auto& r : results)
    outs.push_back(&r);
  auto lost = shards.write(writer, outs);
  for (std::size_t c = 0; c < chunks.size(); ++c)
    results[c].imported = written[c] - lost[c];
  const auto& refused = shards.refused();
  // A copy counted as a duplicate of one that was not written after all
  // (its customer's step failed, or its shard's part): rejected instead,
  // so that it is sent again.
  for (const auto& later : later_copies) {
    bool stepped_ok = stepped && (*stepped)[later.first].error.empty();
    if (stepped_ok && refused.count(from[later.first].shard) == 0)
      continue;
    auto& out = results[later.chunk];
    --out.duplicates;
    reject_line(out, later.line,
                "its first copy, earlier in this write, was not written: send it again");
  }
  forget_shards(db, effects, refused);
  if (steps.written) {
    profiles.erase(std::remove_if(profiles.begin(), profiles.end(),
                                  [&](const v1::Profile& p) {
                                    return refused.count(db.shard_of(p.customer_id())) > 0;
                                  }),
                   profiles.end());
    if (!profiles.empty())
      steps.written(std::move(profiles));
  }
  if (on_written && (!effects.pending.empty() || !effects.cancelled.empty()))
    on_written(effects);
  return results;
}

} // namespace troupe::customers
