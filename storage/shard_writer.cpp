#include "storage/shard_writer.hpp"

#include <algorithm>
#include <string>

#include "storage/audit_log.hpp"

namespace troupe::storage {

shard_write& shard_writes::of(uint32_t shard) {
  auto& part = parts_[shard];
  part.shard = shard;
  return part;
}

bool shard_writes::empty() const {
  return std::all_of(parts_.begin(), parts_.end(),
                     [](const auto& kv) { return kv.second.empty(); });
}

std::vector<shard_write> shard_writes::take() {
  std::vector<shard_write> out;
  out.reserve(parts_.size());
  for (auto& [shard, part] : parts_)
    if (!part.empty())
      out.push_back(std::move(part));
  parts_.clear();
  return out;
}

error in_shard(uint32_t shard, const error& e) {
  return error{e.domain(), e.code(), "shard " + std::to_string(shard) + ": " + e.message(),
               e.retryable()};
}

status shard_writer::write_one(shard_write& part) {
  std::vector<shard_write> parts;
  parts.push_back(std::move(part));
  auto st = write(parts);
  part = std::move(parts.front());
  return st.front();
}

status shard_writer::write_all(std::vector<shard_write>& parts) {
  auto st = write(parts);
  for (auto& s : st)
    if (!s)
      return s;
  return status::success();
}

std::vector<std::unique_lock<std::mutex>> shard_locks::lock(
  const std::vector<shard_write>& parts) {
  std::vector<uint32_t> shards;
  for (const auto& p : parts)
    if (p.shard < mutexes_.size())
      shards.push_back(p.shard);
  std::sort(shards.begin(), shards.end());
  shards.erase(std::unique(shards.begin(), shards.end()), shards.end());
  std::vector<std::unique_lock<std::mutex>> held;
  held.reserve(shards.size());
  for (auto s : shards)
    held.emplace_back(mutexes_[s]);
  return held;
}

status check_part_shard(const store& db, const shard_write& part) {
  if (part.shard < db.shard_count())
    return status::success();
  return make_error(storage_errc::invalid, "a write to shard " + std::to_string(part.shard)
                                             + ", not one of this store's "
                                             + std::to_string(db.shard_count()));
}

local_writer::local_writer(std::shared_ptr<store> db, std::shared_ptr<shard_log> log)
  : db_(std::move(db)), log_(std::move(log)), locks_(db_->shard_count()) {}

std::shared_ptr<shard_writer> local_writer_of(std::shared_ptr<store> db) {
  auto log = std::make_shared<shard_log>(*db);
  return std::make_shared<local_writer>(std::move(db), std::move(log));
}

std::vector<status> local_writer::write(std::vector<shard_write>& parts) {
  std::vector<status> out(parts.size(), status::success());
  auto held = locks_.lock(parts);
  // Every part that can be written goes in one RocksDB write (one WAL
  // record), each at its shard's next position.
  std::vector<shard_log::local_part> local;
  std::vector<std::size_t> index;      // of each local part in `parts`
  std::vector<std::size_t> own_writes; // each part's writes before its audit records
  for (std::size_t i = 0; i < parts.size(); ++i) {
    auto& part = parts[i];
    if (auto st = check_part_shard(*db_, part); !st) {
      out[i] = st;
      continue;
    }
    auto at = log_->applied(part.shard);
    if (!at) {
      out[i] = in_shard(part.shard, at.err());
      continue;
    }
    // The audit records join the batch; a failed write takes them back out.
    auto records = part.batch.size();
    if (auto st = append_shard_audit(*db_, part.shard, part.batch, part.audit); !st) {
      part.batch.truncate(records);
      out[i] = in_shard(part.shard, st.err());
      continue;
    }
    local.push_back({part.shard, at->epoch, &part.batch});
    index.push_back(i);
    own_writes.push_back(records);
  }
  auto written = log_->write_local(local);
  for (std::size_t k = 0; k < local.size(); ++k) {
    auto& part = parts[index[k]];
    if (!written[k]) {
      part.batch.truncate(own_writes[k]); // moved out (a failed write) or left whole
      out[index[k]] = in_shard(part.shard, written[k].err());
      continue;
    }
    part.batch.clear();
    part.audit.clear();
  }
  return out;
}

} // namespace troupe::storage
