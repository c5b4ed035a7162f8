#include "storage/audit_log.hpp"

#include <ctime>

#include <openssl/sha.h>

namespace troupe::storage {

namespace {

void append_field(std::string& out, const std::string& field) {
  auto n = static_cast<uint64_t>(field.size());
  for (int i = 7; i >= 0; --i)
    out.push_back(static_cast<char>((n >> (8 * i)) & 0xFF));
  out += field;
}

} // namespace

std::string audit_key(uint64_t seq) {
  std::string key(8, '\0');
  for (int i = 7; i >= 0; --i) {
    key[static_cast<std::size_t>(i)] = static_cast<char>(seq & 0xFF);
    seq >>= 8;
  }
  return key;
}

std::string audit_hash(const v1::AuditRecord& r, const std::string& prev_hash) {
  std::string data;
  append_field(data, prev_hash);
  append_field(data, std::to_string(r.seq()));
  append_field(data, r.kind());
  append_field(data, r.actor());
  append_field(data, r.campaign_id());
  append_field(data, r.customer_id());
  append_field(data, r.term());
  append_field(data, r.document_id());
  append_field(data, std::to_string(r.ts_ms()));
  // Added with command records; absent before, so older chains still verify.
  if (!r.address().empty())
    append_field(data, r.address());
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), SHA256_DIGEST_LENGTH);
}

result<audit_log> audit_log::open(store& db) {
  // The last record has the largest key (big-endian sequence numbers).
  auto last = db.last_raw(column::audit);
  if (!last)
    return last.err();
  if (!last->has_value())
    return audit_log{0, {}};
  v1::AuditRecord r;
  if (!r.ParseFromString(**last))
    return make_error(storage_errc::corruption, "the last audit record does not parse");
  return audit_log{r.seq() + 1, r.hash()};
}

void audit_log::append_to(write_batch& batch, v1::AuditRecord record) {
  record.set_seq(next_seq_);
  record.set_prev_hash(last_hash_);
  record.set_hash(audit_hash(record, last_hash_));
  batch.put(column::audit, audit_key(next_seq_), record);
  last_hash_ = record.hash();
  ++next_seq_;
}

status shared_audit_log::write(store& db, write_batch& batch,
                               std::vector<v1::AuditRecord> records) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto before = log_.mark();
  for (auto& r : records)
    log_.append_to(batch, std::move(r));
  auto st = db.write(batch);
  if (!st)
    log_.rewind(std::move(before));
  return st;
}

status scan_audit(const store& db, const std::function<bool(const v1::AuditRecord&)>& visit) {
  return db.scan<v1::AuditRecord>(column::audit, "", "",
                                  [&](std::string_view, const v1::AuditRecord& r) {
                                    return visit(r);
                                  });
}

std::string describe_command(const v1::AuditRecord& r) {
  std::time_t secs = static_cast<std::time_t>(r.ts_ms() / 1000);
  std::tm utc{};
  gmtime_r(&secs, &utc);
  char when[32];
  std::strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &utc);
  std::string what = r.term();
  for (const auto* id : {&r.campaign_id(), &r.customer_id(), &r.document_id()})
    if (!id->empty())
      what += " " + *id;
  return std::string{when} + " " + r.actor() + " from " + r.address() + ": " + what;
}

result<audit_verdict> audit_log::verify(const store& db) {
  audit_verdict v;
  std::string prev;
  uint64_t expected_seq = 0;
  auto st = db.scan<v1::AuditRecord>(
    column::audit, "", "", [&](std::string_view key, const v1::AuditRecord& r) {
      auto fail = [&](std::string why) {
        v.broken_at = r.seq();
        v.reason = std::move(why);
        return false;
      };
      if (r.seq() != expected_seq || key != audit_key(r.seq()))
        return fail("expected record " + std::to_string(expected_seq) + ", found "
                    + std::to_string(r.seq()));
      if (r.prev_hash() != prev)
        return fail("its link to the previous record does not match");
      if (r.hash() != audit_hash(r, prev))
        return fail("its contents do not match its hash");
      prev = r.hash();
      ++expected_seq;
      ++v.records;
      if (r.kind() == "command") {
        ++v.commands;
        if (v.recent_commands.size() == recent_command_limit)
          v.recent_commands.erase(v.recent_commands.begin());
        v.recent_commands.push_back(r);
      }
      return true;
    });
  if (!st)
    return st.err();
  return v;
}

} // namespace troupe::storage
