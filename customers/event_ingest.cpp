#include "customers/event_ingest.hpp"

#include <map>
#include <set>

#include "customers/import_limits.hpp"
#include "customers/sharded_write.hpp"
#include "storage/json_codec.hpp"
#include "storage/event_records.hpp"
#include "storage/outcome_records.hpp"

namespace troupe::customers {

import_result ingest_events(storage::store& db, storage::shard_writer& writer,
                            const import_chunk& chunk,
                            sharding::shard_ownership* ownership,
                            const config::input_limits& limits) {
  import_result out;
  sharded_write shards{ownership};
  std::set<std::string> keys_in_batch;
  /// (campaign, customer) -> has a delivery, per chunk
  std::map<std::pair<std::string, std::string>, bool> delivered;
  auto reject = [&](uint64_t line, std::string reason) {
    reject_line(out, line, std::move(reason));
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
    storage::put_event(shards.batch_for(shard, line_no), *e);
    ++written;
  });
  // Duplicates and unmatched events were counted over every shard's lines;
  // a part not written rejects its lines (they may be sent again).
  written -= shards.write(writer, out);
  out.imported = written;
  return out;
}

} // namespace troupe::customers
