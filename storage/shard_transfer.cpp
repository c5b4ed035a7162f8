#include "storage/shard_transfer.hpp"

#include <set>

#include "storage/attribute_catalog.hpp"

#include <optional>

#include "storage/audit_log.hpp"
#include "storage/keys.hpp"
#include "storage/shard_position.hpp"

namespace troupe::storage {

namespace {

/// The columns keyed by campaign id + customer id: their records follow
/// their customer's shard.
constexpr column per_customer_columns[] = {column::deliveries, column::dead_letters,
                                           column::events};

/// The field of `record` that holds a record of per-customer column `c`.
google::protobuf::MessageLite* field_for(v1::Record& record, column c) {
  if (c == column::deliveries)
    return record.mutable_delivery();
  if (c == column::dead_letters)
    return record.mutable_dead_letter();
  return record.mutable_event();
}

/// Visits the raw records of column `c` whose customer (read from the key,
/// so other shards' records are not parsed) is in `shard`.
template <class Visit>
status scan_shard_of_customers(const store& db, column c, uint32_t shard, Visit&& visit) {
  return db.scan_raw(c, "", "", [&](std::string_view key, std::string_view bytes) {
    if (db.shard_of(keys::customer_id_of_campaign_key(key)) != shard)
      return true;
    return visit(key, bytes);
  });
}

} // namespace

status read_shard(const store& db, uint32_t shard, std::size_t batch_size,
                  const std::function<status(v1::RecordBatch&)>& emit) {
  // The position before the records: they are at least as new as it (the
  // store writes a position with its batch's data), and the shard batches
  // after it replay onto them to the same records, each op a whole record.
  auto at = load_position(db, shard);
  if (!at)
    return at.err();
  v1::RecordBatch batch;
  batch.set_shard(shard);
  uint64_t sequence = 0;
  status failed = status::success();
  auto send = [&](bool last) {
    batch.set_sequence(sequence++);
    batch.set_last(last);
    if (last)
      set_position(*batch.mutable_position(), *at);
    failed = emit(batch);
    batch.clear_records();
    return static_cast<bool>(failed);
  };
  auto add = [&](auto setter) {
    setter(*batch.add_records());
    if (static_cast<std::size_t>(batch.records_size()) >= batch_size)
      return send(false);
    return true;
  };
  // Every campaign first (a handful of records): the new owner must know
  // the campaigns whose shards it takes, begun in this shard or not yet.
  auto st = db.scan<v1::CampaignState>(column::campaigns, "", "",
                                       [&](std::string_view, const v1::CampaignState& c) {
                                         return add([&](v1::Record& r) {
                                           *r.mutable_campaign() = c;
                                         });
                                       });
  if (st && failed)
    st = db.scan<v1::Customer>(
      column::customers, keys::shard_begin(shard), keys::shard_end(shard),
      [&](std::string_view, const v1::Customer& c) {
        return add([&](v1::Record& r) { *r.mutable_customer() = c; });
      });
  if (st && failed)
    st = db.scan<v1::Profile>(
      column::profiles, keys::shard_begin(shard), keys::shard_end(shard),
      [&](std::string_view, const v1::Profile& p) {
        return add([&](v1::Record& r) { *r.mutable_profile() = p; });
      });
  if (st && failed)
    st = db.scan<v1::PendingSend>(
      column::timers, keys::shard_begin(shard), keys::shard_end(shard),
      [&](std::string_view, const v1::PendingSend& p) {
        return add([&](v1::Record& r) { *r.mutable_pending_send() = p; });
      });
  if (st && failed)
    st = db.scan<v1::JourneyEntries>(
      column::entries, keys::shard_begin(shard), keys::shard_end(shard),
      [&](std::string_view, const v1::JourneyEntries& e) {
        return add([&](v1::Record& r) { *r.mutable_entries() = e; });
      });
  if (st && failed)
    st = db.scan<v1::Checkpoint>(column::checkpoints, "", "",
                                 [&](std::string_view, const v1::Checkpoint& cp) {
                                   if (cp.shard() != shard)
                                     return true;
                                   return add(
                                     [&](v1::Record& r) { *r.mutable_checkpoint() = cp; });
                                 });
  if (st && failed)
    st = db.scan<v1::AuditRecord>(column::audit, chain_begin(shard), chain_end(shard),
                                  [&](std::string_view, const v1::AuditRecord& a) {
                                    return add([&](v1::Record& r) { *r.mutable_audit() = a; });
                                  });
  for (auto c : per_customer_columns) {
    if (!st || !failed)
      break;
    st = scan_shard_of_customers(db, c, shard, [&](std::string_view, std::string_view bytes) {
      v1::Record record;
      auto* target = field_for(record, c);
      if (!target->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
        failed = make_error(storage_errc::corruption,
                            "a record of column '" + std::string{name_of(c)}
                              + "' does not parse");
        return false;
      }
      return add([&](v1::Record& r) { r = std::move(record); });
    });
  }
  if (!st)
    return st;
  if (!failed)
    return failed;
  send(true);
  return failed;
}

namespace {

/// A shard this store has, or an error: keys hold a shard in 2 bytes, so a
/// batch of shard 65539 would write (or clear) shard 3.
status known_shard(const store& db, uint32_t shard) {
  if (shard < db.shard_count())
    return status::success();
  return make_error(storage_errc::corruption, "shard " + std::to_string(shard) +
                                                " is not one of this store's " +
                                                std::to_string(db.shard_count()));
}

} // namespace

result<uint64_t> write_shard_batch(store& db, const v1::RecordBatch& batch) {
  auto shard = batch.shard();
  if (auto st = known_shard(db, shard); !st)
    return st.err();
  auto foreign = [&](const std::string& what, const std::string& customer) {
    return make_error(storage_errc::corruption,
                      "handoff batch of shard " + std::to_string(shard) + " holds " + what
                        + " of customer '" + customer + "', who is in shard "
                        + std::to_string(db.shard_of(customer)));
  };
  write_batch wb;
  // A copy in progress has no position (a live batch meets `diverged`); the
  // last batch sets the sender's.
  if (batch.sequence() == 0)
    put_position(wb, shard, {});
  if (batch.last())
    put_position(wb, shard, position_of(batch.position()));
  uint64_t written = 0;
  std::optional<error> refused;
  std::set<std::string> names; // of the customers' attributes (attribute_catalog)
  /// Puts a customer-addressed record, or refuses the batch if the customer
  /// is not in its shard.
  auto put = [&](const char* what, const std::string& customer, column col, std::string key,
                 const auto& record) {
    if (db.shard_of(customer) != shard) {
      refused = foreign(what, customer);
      return false;
    }
    wb.put(col, key, record);
    return true;
  };
  for (const auto& r : batch.records()) {
    switch (r.kind_case()) {
      case v1::Record::kCustomer:
        if (!put("a customer", r.customer().id(), column::customers,
                 keys::customer(shard, r.customer().id()), r.customer()))
          return *refused;
        for (const auto& kv : r.customer().attributes())
          names.insert(kv.first);
        break;
      case v1::Record::kProfile:
        if (!put("a profile", r.profile().customer_id(), column::profiles,
                 keys::profile(shard, r.profile().customer_id()), r.profile()))
          return *refused;
        break;
      case v1::Record::kPendingSend: {
        const auto& p = r.pending_send();
        if (!put("a pending send", p.customer_id(), column::timers,
                 keys::pending_send(shard, p.campaign_id(), p.customer_id(), p.occurrence()), p))
          return *refused;
        break;
      }
      case v1::Record::kEntries: {
        const auto& e = r.entries();
        if (!put("a campaign's entries", e.customer_id(), column::entries,
                 keys::journey(shard, e.campaign_id(), e.customer_id()), e))
          return *refused;
        break;
      }
      case v1::Record::kDelivery:
        if (!put("a delivery", r.delivery().customer_id(), column::deliveries,
                 keys::delivery_of(r.delivery()), r.delivery()))
          return *refused;
        break;
      case v1::Record::kDeadLetter:
        if (!put("a dead letter", r.dead_letter().customer_id(), column::dead_letters,
                 keys::dead_letter_of(r.dead_letter().campaign_id(),
                                      r.dead_letter().customer_id(), r.dead_letter().occurrence()),
                 r.dead_letter()))
          return *refused;
        break;
      case v1::Record::kEvent:
        if (!put("an event", r.event().customer_id(), column::events, keys::event(r.event()),
                 r.event()))
          return *refused;
        break;
      case v1::Record::kCheckpoint:
        if (r.checkpoint().shard() != shard)
          return make_error(storage_errc::corruption,
                            "handoff batch of shard " + std::to_string(shard)
                              + " holds a checkpoint of shard "
                              + std::to_string(r.checkpoint().shard()));
        wb.put(column::checkpoints, keys::checkpoint(r.checkpoint().campaign_id(), shard),
               r.checkpoint());
        break;
      case v1::Record::kAudit: // its place in the shard's chain (verify checks the links)
        wb.put(column::audit, audit_key(r.audit().seq(), shard), r.audit());
        break;
      case v1::Record::kCampaign: {
        const auto& id = r.campaign().spec().id();
        auto existing = db.get_raw(column::campaigns, id);
        if (!existing)
          return existing.err();
        if (existing->has_value())
          continue;
        // Its total counted the old owner's customers, not this node's.
        auto state = r.campaign();
        state.set_total(0);
        wb.put(column::campaigns, id, state);
        break;
      }
      case v1::Record::KIND_NOT_SET:
        return make_error(storage_errc::corruption,
                          "handoff batch of shard " + std::to_string(shard)
                            + " holds an empty record");
    }
    ++written;
  }
  if (auto st = db.write(wb); !st)
    return st.err();
  if (batch.last())
    if (auto st = db.sync_wal(); !st)
      return st.err();
  if (auto st = record_attribute_names(db, names); !st)
    return st.err();
  return written;
}

status erase_shard(store& db, uint32_t shard) {
  if (auto st = known_shard(db, shard); !st)
    return st;
  // The position first: a crash part way leaves records without one, which
  // a live batch meets as `diverged`, never a position without its records.
  write_batch unpositioned;
  put_position(unpositioned, shard, {});
  if (auto st = db.write(unpositioned); !st)
    return st;
  if (auto st = db.erase_range(column::customers, keys::shard_begin(shard),
                               keys::shard_end(shard));
      !st)
    return st;
  for (auto c : {column::profiles, column::timers, column::entries})
    if (auto st = db.erase_range(c, keys::shard_begin(shard), keys::shard_end(shard)); !st)
      return st;
  if (auto st = db.erase_range(column::audit, chain_begin(shard), chain_end(shard)); !st)
    return st;
  write_batch wb;
  auto flush_if_full = [&] {
    if (wb.size() < 4096)
      return status::success();
    return db.write(wb);
  };
  status st = status::success();
  auto erase_of = [&](column c, const std::string& key) {
    wb.erase(c, key);
    st = flush_if_full();
    return static_cast<bool>(st);
  };
  auto scanned = db.scan<v1::Checkpoint>(column::checkpoints, "", "",
                                         [&](std::string_view key, const v1::Checkpoint& cp) {
                                           return cp.shard() != shard
                                                  || erase_of(column::checkpoints,
                                                              std::string{key});
                                         });
  for (auto c : per_customer_columns) {
    if (!scanned || !st)
      break;
    scanned = scan_shard_of_customers(db, c, shard, [&](std::string_view key, std::string_view) {
      return erase_of(c, std::string{key});
    });
  }
  if (!scanned)
    return scanned;
  if (!st)
    return st;
  return db.write(wb);
}

result<bool> holds_shard(const store& db, uint32_t shard) {
  if (auto st = known_shard(db, shard); !st)
    return st.err();
  bool any = false;
  auto st = db.scan_raw(column::customers, keys::shard_begin(shard), keys::shard_end(shard),
                        [&](std::string_view, std::string_view) {
                          any = true;
                          return false;
                        });
  for (auto c : {column::profiles, column::timers, column::entries})
    if (st && !any)
      st = db.scan_raw(c, keys::shard_begin(shard), keys::shard_end(shard),
                       [&](std::string_view, std::string_view) {
                         any = true;
                         return false;
                       });
  if (st && !any)
    st = db.scan<v1::Checkpoint>(column::checkpoints, "", "",
                                 [&](std::string_view, const v1::Checkpoint& cp) {
                                   any = cp.shard() == shard;
                                   return !any;
                                 });
  if (!st)
    return st.err();
  return any;
}

} // namespace troupe::storage
