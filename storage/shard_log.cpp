#include "storage/shard_log.hpp"

#include <algorithm>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "storage/audit_log.hpp"
#include "storage/keys.hpp"

namespace troupe::storage {

const char* to_string(apply_outcome o) {
  switch (o) {
    case apply_outcome::applied: return "applied";
    case apply_outcome::duplicate: return "duplicate";
    case apply_outcome::stale_epoch: return "stale_epoch";
    case apply_outcome::future_epoch: return "future_epoch";
    case apply_outcome::diverged: return "diverged";
  }
  return "unknown";
}

namespace {

error invalid(std::string message) { return make_error(storage_errc::invalid, std::move(message)); }

std::string shard_name(uint32_t shard) { return "shard " + std::to_string(shard); }

status known_shard(const store& db, uint32_t shard) {
  if (shard < db.shard_count())
    return status::success();
  return invalid(shard_name(shard) + " is not one of this store's "
                 + std::to_string(db.shard_count()));
}

/// The shard `key` of column `c` belongs to; nullopt for a column that is
/// not shard-keyed; `invalid` for a key without the column's form.
result<std::optional<uint32_t>> shard_of_op_key(const store& db, column c, std::string_view key) {
  using found = std::optional<uint32_t>;
  switch (c) {
    case column::customers:
    case column::profiles:
    case column::timers:
    case column::entries:
      if (key.size() < 2)
        return invalid("a key of column '" + std::string{name_of(c)} + "' of "
                       + std::to_string(key.size()) + " bytes");
      return found{keys::shard_of_key(key)};
    case column::checkpoints: {
      auto shard = keys::shard_of_checkpoint_key(key);
      if (!shard)
        return invalid("a checkpoint key without its shard");
      return found{*shard};
    }
    case column::deliveries:
    case column::dead_letters:
    case column::events:
      if (key.find('\0') == std::string_view::npos)
        return invalid("a key of column '" + std::string{name_of(c)}
                       + "' without its customer id");
      return found{db.shard_of(keys::customer_id_of_campaign_key(key))};
    case column::audit: {
      auto shard = shard_of_audit_key(key);
      if (!shard)
        return invalid("an audit key of no shard's chain");
      return found{*shard};
    }
    default: // the corpus and the campaigns are each node's own, not a shard's
      return invalid("a record of column '" + std::string{name_of(c)}
                     + "', which is no shard's");
  }
}

/// Op `index` of a batch of `shard`, writing `key` of column `c`: refused
/// unless the key is one of that shard's.
status check_op(const store& db, uint32_t shard, int index, column c, std::string_view key) {
  auto owner = shard_of_op_key(db, c, key);
  auto where = "op " + std::to_string(index) + " of the batch of " + shard_name(shard);
  if (!owner)
    return invalid(where + " has " + owner.err().message());
  if (owner->has_value() && **owner != shard)
    return invalid(where + " writes a key of " + shard_name(**owner) + " in column '"
                   + std::string{name_of(c)} + "'");
  return status::success();
}

/// As check_shard_ops, for a write batch of `shard` before it is shipped.
status check_batch_keys(const store& db, uint32_t shard, const write_batch& batch) {
  status out = status::success();
  int index = 0;
  batch.for_each_key([&](column c, std::string_view key) {
    out = check_op(db, shard, index++, c, key);
    return static_cast<bool>(out);
  });
  return out;
}

} // namespace

status check_shard_ops(const store& db, const v1::ShardBatch& batch) {
  for (int i = 0; i < batch.ops_size(); ++i) {
    auto c = op_column(batch, i);
    if (!c)
      return c.err();
    if (auto ok = check_op(db, batch.shard(), i, *c, batch.ops(i).key()); !ok)
      return ok;
  }
  return status::success();
}

/// One shard's log as this node knows it. Guarded by `mutex`.
struct shard_log::shard_state {
  std::mutex mutex;
  bool loaded = false;
  bool broken = false;
  position applied;     ///< as written to the store
  position last;        ///< the last position handed out (the next prev)
  uint64_t high_seq = 0;     ///< the highest seq handed out by this process
  uint64_t void_through = 0; ///< batches with a seq up to it were voided by a reset
};

struct shard_log::impl {
  store& db;
  std::vector<std::unique_ptr<shard_state>> shards;

  explicit impl(store& s) : db(s) {
    shards.reserve(s.shard_count());
    for (uint32_t i = 0; i < s.shard_count(); ++i)
      shards.push_back(std::make_unique<shard_state>());
  }

  /// Loads the shard's position unless it is cached; a (re)load voids every
  /// batch prepared before it. Under the shard's lock.
  status load(shard_state& st, uint32_t shard) {
    if (st.loaded)
      return status::success();
    auto p = load_position(db, shard);
    if (!p)
      return p.err();
    st.applied = *p;
    st.last = *p;
    st.high_seq = std::max(st.high_seq, p->seq);
    st.void_through = st.high_seq;
    st.loaded = true;
    return status::success();
  }

  /// The state of `shard`, locked by `lock` and loaded.
  result<shard_state*> lock_loaded(uint32_t shard, std::unique_lock<std::mutex>& lock) {
    if (auto ok = known_shard(db, shard); !ok)
      return ok.err();
    auto& st = *shards[shard];
    lock = std::unique_lock{st.mutex};
    if (auto ok = load(st, shard); !ok)
      return ok.err();
    return &st;
  }

  /// As `lock_loaded`, for a primary's write: refused while the log is broken.
  result<shard_state*> lock_writable(uint32_t shard, std::unique_lock<std::mutex>& lock) {
    auto st = lock_loaded(shard, lock);
    if (st && (*st)->broken)
      return make_error(storage_errc::shard_log_broken,
                        "a batch of " + shard_name(shard)
                          + " failed to apply on this node; its log takes no more"
                            " batches until it is reset");
    return st;
  }

  /// The next position of the shard under `epoch`, for a batch of `ops`
  /// writes; `stale_epoch` for an epoch older than its last batch. Under the
  /// shard's lock.
  result<position> next_position(const shard_state& st, uint32_t shard, uint64_t epoch,
                                 std::size_t ops) {
    if (epoch < st.last.epoch)
      return make_error(storage_errc::stale_epoch,
                        "a write of " + shard_name(shard) + " under epoch "
                          + std::to_string(epoch) + ", older than its last batch "
                          + to_string(st.last));
    return position{epoch, std::max(st.high_seq, st.last.seq) + 1, st.last.records + ops};
  }

  /// A primary's direct write (not prepare + apply) needs every prepared
  /// batch of the shard applied. Under the shard's lock.
  static status nothing_prepared(const shard_state& st, uint32_t shard) {
    if (st.last == st.applied)
      return status::success();
    return invalid(shard_name(shard) + " has prepared batches up to " + to_string(st.last)
                   + " not yet applied (applied: " + to_string(st.applied) + ")");
  }

  /// The next batch of the shard under `epoch`, with the writes of `batch`
  /// (left as they are). Under the shard's lock.
  result<v1::ShardBatch> next_batch(shard_state& st, uint32_t shard, uint64_t epoch,
                                    const write_batch& batch) {
    auto next = next_position(st, shard, epoch, batch.size());
    if (!next)
      return next.err();
    v1::ShardBatch out;
    out.set_shard(shard);
    set_position(*out.mutable_position(), *next);
    set_position(*out.mutable_prev(), st.last);
    batch.to_ops(out);
    if (auto ok = check_shard_ops(db, out); !ok)
      return ok.err();
    return out;
  }

  /// Writes `batch` (checked) and its position in one write batch. A failure
  /// breaks the log. Under the shard's lock.
  status write(shard_state& st, const v1::ShardBatch& batch) {
    auto wb = write_batch::from_ops(batch);
    if (!wb)
      return wb.err();
    auto p = position_of(batch.position());
    put_position(*wb, batch.shard(), p);
    if (auto ok = db.write(*wb); !ok) {
      st.broken = true;
      return ok;
    }
    st.applied = p;
    return status::success();
  }
};

shard_log::shard_log(store& db) : impl_(std::make_unique<impl>(db)) {}
shard_log::~shard_log() = default;

result<v1::ShardBatch> shard_log::prepare(uint32_t shard, uint64_t epoch, write_batch& batch) {
  std::unique_lock<std::mutex> lock;
  auto st = impl_->lock_writable(shard, lock);
  if (!st)
    return st.err();
  auto out = impl_->next_batch(**st, shard, epoch, batch);
  if (!out)
    return out;
  (*st)->last = position_of(out->position());
  (*st)->high_seq = (*st)->last.seq;
  batch.clear();
  return out;
}

status shard_log::apply(const v1::ShardBatch& batch) {
  auto shard = batch.shard();
  std::unique_lock<std::mutex> lock;
  auto st = impl_->lock_writable(shard, lock);
  if (!st)
    return st.err();
  auto& s = **st;
  auto p = position_of(batch.position());
  auto prev = position_of(batch.prev());
  if (prev != s.applied || p.seq <= s.void_through || p.seq > s.high_seq || p <= prev)
    return invalid("batch " + to_string(p) + " of " + shard_name(shard) + " (prev "
                   + to_string(prev) + ") is not the next prepared batch after "
                   + to_string(s.applied)
                   + (p.seq <= s.void_through ? " (prepared before a reset)" : ""));
  if (auto ok = check_shard_ops(impl_->db, batch); !ok)
    return ok;
  return impl_->write(s, batch);
}

result<v1::ShardBatch> shard_log::write_as_primary(uint32_t shard, uint64_t epoch,
                                                   write_batch& batch) {
  std::unique_lock<std::mutex> lock;
  auto st = impl_->lock_writable(shard, lock);
  if (!st)
    return st.err();
  auto& s = **st;
  if (auto ok = impl::nothing_prepared(s, shard); !ok)
    return ok.err();
  auto out = impl_->next_batch(s, shard, epoch, batch);
  if (!out)
    return out;
  // Handed out even if the write fails: never handed out again.
  s.high_seq = out->position().seq();
  if (auto ok = impl_->write(s, *out); !ok)
    return ok.err();
  s.last = s.applied;
  batch.clear();
  return out;
}

std::vector<status> shard_log::write_local(std::vector<local_part>& parts) {
  std::vector<status> out(parts.size(), status::success());
  // Each shard's state locked, in ascending shard order (no two writers
  // wait on each other), for the whole write.
  std::vector<std::size_t> order(parts.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return parts[a].shard < parts[b].shard; });
  std::vector<std::unique_lock<std::mutex>> locks;
  struct taken {
    std::size_t part;
    shard_state* state;
    position at;
  };
  std::vector<taken> taking;
  write_batch all;
  std::optional<uint32_t> previous;
  for (auto i : order) {
    auto& part = parts[i];
    bool twice = previous && *previous == part.shard;
    previous = part.shard;
    if (twice) {
      out[i] = invalid(shard_name(part.shard) + " twice in one write");
      continue;
    }
    std::unique_lock<std::mutex> lock;
    auto st = impl_->lock_writable(part.shard, lock);
    if (!st) {
      out[i] = st.err();
      continue;
    }
    auto& s = **st;
    auto next = impl_->next_position(s, part.shard, part.epoch, part.batch->size());
    status ok = impl::nothing_prepared(s, part.shard);
    if (ok && !next)
      ok = next.err();
    if (ok)
      ok = check_batch_keys(impl_->db, part.shard, *part.batch);
    if (!ok) {
      out[i] = ok;
      continue;
    }
    locks.push_back(std::move(lock));
    taking.push_back({i, &s, *next});
  }
  if (taking.empty())
    return out;
  for (auto& t : taking) {
    all.append(std::move(*parts[t.part].batch));
    put_position(all, parts[t.part].shard, t.at);
    t.state->high_seq = t.at.seq; // handed out even if the write fails
  }
  auto written = impl_->db.write(all);
  for (auto& t : taking) {
    if (!written) {
      t.state->broken = true;
      out[t.part] = written;
      continue;
    }
    t.state->applied = t.at;
    t.state->last = t.at;
  }
  return out;
}

result<apply_outcome> shard_log::apply_replica(const v1::ShardBatch& batch,
                                               uint64_t current_epoch) {
  auto shard = batch.shard();
  if (auto ok = known_shard(impl_->db, shard); !ok)
    return ok.err();
  auto p = position_of(batch.position());
  auto prev = position_of(batch.prev());
  if (p <= prev || p.seq <= prev.seq)
    return invalid("batch " + to_string(p) + " of " + shard_name(shard)
                   + " does not follow its prev " + to_string(prev));
  if (auto ok = check_shard_ops(impl_->db, batch); !ok)
    return ok.err();
  if (p.epoch < current_epoch)
    return apply_outcome::stale_epoch;
  if (p.epoch > current_epoch)
    return apply_outcome::future_epoch;
  std::unique_lock<std::mutex> lock;
  auto st = impl_->lock_loaded(shard, lock);
  if (!st)
    return st.err();
  auto& s = **st;
  if (s.applied.epoch > p.epoch)
    return apply_outcome::stale_epoch;
  if (s.applied.epoch == p.epoch && p.seq <= s.applied.seq)
    return apply_outcome::duplicate;
  if (prev != s.applied)
    return apply_outcome::diverged;
  if (auto ok = impl_->write(s, batch); !ok) {
    // A replica's log is not broken by it: reload what the store holds.
    s.broken = false;
    s.loaded = false;
    return ok.err();
  }
  // A replica has no prepared batches of its own: none chain from here.
  s.last = p;
  s.high_seq = std::max(s.high_seq, p.seq);
  s.void_through = s.high_seq;
  return apply_outcome::applied;
}

result<position> shard_log::applied(uint32_t shard) {
  std::unique_lock<std::mutex> lock;
  auto st = impl_->lock_loaded(shard, lock);
  if (!st)
    return st.err();
  return (*st)->applied;
}

status shard_log::reset(uint32_t shard) {
  if (auto ok = known_shard(impl_->db, shard); !ok)
    return ok;
  auto& st = *impl_->shards[shard];
  std::lock_guard lock{st.mutex};
  st.loaded = false;
  if (auto ok = impl_->load(st, shard); !ok)
    return ok;
  st.broken = false;
  return status::success();
}

} // namespace troupe::storage
