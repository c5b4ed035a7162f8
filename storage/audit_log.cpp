#include "storage/audit_log.hpp"

#include <ctime>
#include <optional>

#include <openssl/sha.h>

namespace troupe::storage {

namespace {

void append_field(std::string& out, const std::string& field) {
  auto n = static_cast<uint64_t>(field.size());
  for (int i = 7; i >= 0; --i)
    out.push_back(static_cast<char>((n >> (8 * i)) & 0xFF));
  out += field;
}

void append_be(std::string& out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i)
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

/// Shard chains' keys begin with it; the node's chain's (a sequence below
/// 2^56) with 0x00.
constexpr char shard_chain_tag = 's';
constexpr std::size_t shard_key_size = 1 + 2 + 8;

} // namespace

std::string chain_name(uint32_t chain) {
  return chain == node_chain ? "the node's chain" : "the chain of shard " + std::to_string(chain);
}

std::string chain_begin(uint32_t chain) {
  if (chain == node_chain)
    return {};
  std::string key(1, shard_chain_tag);
  append_be(key, chain, 2);
  return key;
}

std::string chain_end(uint32_t chain) {
  if (chain == node_chain)
    return std::string(1, shard_chain_tag);
  if (chain >= 0xFFFF) // the last shard's chain ends where no chain is
    return std::string(1, static_cast<char>(shard_chain_tag + 1));
  std::string key(1, shard_chain_tag);
  append_be(key, static_cast<uint64_t>(chain) + 1, 2);
  return key;
}

std::string audit_key(uint64_t seq, uint32_t chain) {
  std::string key = chain_begin(chain);
  append_be(key, seq, 8);
  return key;
}

std::optional<uint32_t> shard_of_audit_key(std::string_view key) {
  if (key.size() != shard_key_size || key[0] != shard_chain_tag)
    return std::nullopt;
  return (static_cast<uint32_t>(static_cast<unsigned char>(key[1])) << 8)
         | static_cast<unsigned char>(key[2]);
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

result<audit_log> audit_log::open(const store& db, uint32_t chain) {
  // The last record has the largest key (big-endian sequence numbers).
  auto last = db.last_raw(column::audit, chain_begin(chain), chain_end(chain));
  if (!last)
    return last.err();
  if (!last->has_value())
    return audit_log{chain, 0, {}};
  v1::AuditRecord r;
  if (!r.ParseFromString(**last))
    return make_error(storage_errc::corruption,
                      "the last audit record of " + chain_name(chain) + " does not parse");
  return audit_log{chain, r.seq() + 1, r.hash()};
}

void audit_log::append_to(write_batch& batch, v1::AuditRecord record) {
  record.set_seq(next_seq_);
  record.set_prev_hash(last_hash_);
  record.set_hash(audit_hash(record, last_hash_));
  batch.put(column::audit, audit_key(next_seq_, chain_), record);
  last_hash_ = record.hash();
  ++next_seq_;
}

status append_shard_audit(const store& db, uint32_t shard, write_batch& batch,
                          std::vector<v1::AuditRecord> records) {
  if (records.empty())
    return status::success();
  if (shard >= db.shard_count())
    return make_error(storage_errc::invalid, "audit records for shard " + std::to_string(shard)
                                               + ", not one of this store's "
                                               + std::to_string(db.shard_count()));
  auto log = audit_log::open(db, shard);
  if (!log)
    return log.err();
  for (auto& r : records)
    log->append_to(batch, std::move(r));
  return status::success();
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
  // One pass over the column: the node's chain (keys below 's'), then the
  // shards' chains in order, each contiguous.
  audit_verdict v;
  std::optional<uint32_t> chain; // the chain being walked
  std::string prev;
  uint64_t expected_seq = 0;
  auto st = db.scan<v1::AuditRecord>(
    column::audit, "", "", [&](std::string_view key, const v1::AuditRecord& r) {
      auto in = key < chain_end(node_chain) ? std::optional<uint32_t>{node_chain}
                                            : shard_of_audit_key(key);
      auto fail = [&](uint32_t c, std::string why) {
        v.broken_at = r.seq();
        v.broken_chain = c;
        v.reason = chain_name(c) + ": " + std::move(why);
        return false;
      };
      if (!in || (*in != node_chain && *in >= db.shard_count()))
        return fail(in.value_or(node_chain), "a record under a key of no chain ("
                                               + std::to_string(key.size()) + " bytes)");
      if (in != chain) {
        chain = in;
        prev.clear();
        expected_seq = 0;
        ++v.chains;
      }
      if (r.seq() != expected_seq || key != audit_key(r.seq(), *chain))
        return fail(*chain, "expected record " + std::to_string(expected_seq) + ", found "
                              + std::to_string(r.seq()));
      if (r.prev_hash() != prev)
        return fail(*chain, "its link to the previous record does not match");
      if (r.hash() != audit_hash(r, prev))
        return fail(*chain, "its contents do not match its hash");
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
