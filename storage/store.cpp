#include "storage/store.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <shared_mutex>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include "storage/data_dir_lock.hpp"
#include "storage/keys.hpp"
#include "storage/rocksdb_options.hpp"
#include "storage/schema_version.hpp"

namespace troupe::storage {

namespace {

/// The one place a rocksdb::Status becomes a troupe error.
error from_rocksdb(const rocksdb::Status& st, const std::string& what) {
  auto message = what + ": " + st.ToString();
  if (st.IsNoSpace())
    return make_error(storage_errc::no_space, message);
  if (st.IsCorruption())
    return make_error(storage_errc::corruption, message);
  if (st.IsBusy() || st.IsTryAgain() || st.IsTimedOut())
    return make_error(storage_errc::busy, message);
  if (st.IsInvalidArgument() || st.IsNotSupported())
    return make_error(storage_errc::invalid, message);
  return make_error(storage_errc::io_error, message);
}

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

rocksdb::Slice slice(std::string_view s) { return {s.data(), s.size()}; }

} // namespace

// -- write_batch --------------------------------------------------------------

struct write_batch::impl {
  struct op {
    column col;
    std::string key;
    std::string value;
    bool erase;
  };
  std::vector<op> ops;
};

write_batch::write_batch() : impl_(std::make_unique<impl>()) {}
write_batch::~write_batch() = default;
write_batch::write_batch(write_batch&&) noexcept = default;
write_batch& write_batch::operator=(write_batch&&) noexcept = default;

void write_batch::put(column c, std::string_view key,
                      const google::protobuf::MessageLite& record) {
  impl_->ops.push_back({c, std::string{key}, record.SerializeAsString(), false});
}

void write_batch::put_raw(column c, std::string_view key, std::string_view bytes) {
  impl_->ops.push_back({c, std::string{key}, std::string{bytes}, false});
}

void write_batch::put_owned(column c, std::string&& key, std::string&& bytes) {
  impl_->ops.push_back({c, std::move(key), std::move(bytes), false});
}

void write_batch::erase(column c, std::string_view key) {
  impl_->ops.push_back({c, std::string{key}, {}, true});
}

std::size_t write_batch::size() const { return impl_->ops.size(); }
void write_batch::clear() { impl_->ops.clear(); }
void write_batch::truncate(std::size_t ops) {
  if (ops < impl_->ops.size())
    impl_->ops.resize(ops);
}

void write_batch::append(write_batch&& other) {
  if (impl_->ops.empty()) {
    std::swap(impl_->ops, other.impl_->ops);
    return;
  }
  impl_->ops.reserve(impl_->ops.size() + other.impl_->ops.size());
  for (auto& op : other.impl_->ops)
    impl_->ops.push_back(std::move(op));
  other.impl_->ops.clear();
}

void write_batch::for_each_key(const std::function<bool(column, std::string_view)>& visit) const {
  for (const auto& op : impl_->ops)
    if (!visit(op.col, op.key))
      return;
}

void write_batch::to_ops(v1::ShardBatch& out) const {
  out.mutable_ops()->Reserve(out.ops_size() + static_cast<int>(impl_->ops.size()));
  for (const auto& op : impl_->ops) {
    auto* o = out.add_ops();
    o->set_column(static_cast<uint32_t>(op.col));
    o->set_key(op.key);
    if (op.erase)
      o->set_erase(true);
    else
      o->set_value(op.value);
  }
}

result<column> op_column(const v1::ShardBatch& batch, int index) {
  auto number = batch.ops(index).column();
  auto c = column_of(number);
  if (c && *c != column::metadata)
    return *c;
  return make_error(storage_errc::invalid,
                    "op " + std::to_string(index) + " of the batch of shard "
                      + std::to_string(batch.shard()) + " writes column "
                      + std::to_string(number)
                      + (c ? " (metadata), which no shard batch may write"
                           : ", which is no column of this build"));
}

result<write_batch> write_batch::from_ops(const v1::ShardBatch& in) {
  write_batch batch;
  batch.impl_->ops.reserve(static_cast<std::size_t>(in.ops_size()));
  for (int i = 0; i < in.ops_size(); ++i) {
    const auto& o = in.ops(i);
    auto c = op_column(in, i);
    if (!c)
      return c.err();
    if (o.erase())
      batch.impl_->ops.push_back({*c, o.key(), {}, true});
    else
      batch.impl_->ops.push_back({*c, o.key(), o.value(), false});
  }
  return batch;
}

// -- store --------------------------------------------------------------------

struct store::impl {
  store_options opts;
  std::unique_ptr<data_dir_lock> lock;
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles; // indexed by column
  std::vector<rocksdb::ColumnFamilyHandle*> extra;   // unknown families, kept open
  v1::NodeMetadata meta;
  rocksdb::WriteOptions write_opts;
  mutable std::shared_mutex close_mutex; // shared: any operation; unique: close

  rocksdb::ColumnFamilyHandle* cf(column c) const {
    return handles[static_cast<std::size_t>(c)];
  }

  status close_locked() {
    if (!db)
      return status::success();
    status result;
    rocksdb::FlushOptions fo;
    fo.wait = true;
    std::vector<rocksdb::ColumnFamilyHandle*> all = handles;
    auto st = db->Flush(fo, all);
    if (!st.ok())
      result = from_rocksdb(st, "flush on close of " + opts.data_dir.string());
    for (auto* h : handles)
      db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    for (auto* h : extra)
      db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    handles.clear();
    extra.clear();
    st = db->Close();
    if (!st.ok() && result.ok())
      result = from_rocksdb(st, "close of " + opts.data_dir.string());
    db.reset();
    lock.reset();
    return result;
  }
};

store::store(std::unique_ptr<impl> impl) : impl_(std::move(impl)) {}

store::~store() {
  std::unique_lock guard{impl_->close_mutex};
  impl_->close_locked().ok(); // errors on close were already reported by close()
}

result<std::unique_ptr<store>> store::open(const store_options& opts) {
  auto self = std::make_unique<impl>();
  self->opts = opts;
  self->write_opts.sync = opts.sync_writes;
  std::error_code ec;
  std::filesystem::create_directories(opts.data_dir, ec);
  if (ec)
    return make_error(storage_errc::io_error, "cannot create data dir "
                                                + opts.data_dir.string() + ": "
                                                + ec.message());
  // Customers' personal data: the data dir is its owner's alone (RocksDB's
  // files inside keep the umask's mode; the directory's closes them).
  std::filesystem::permissions(opts.data_dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);
  if (ec)
    return make_error(storage_errc::io_error, "cannot make data dir " +
                                                opts.data_dir.string() +
                                                " private (0700): " + ec.message());
  auto lock = data_dir_lock::acquire(opts.data_dir);
  if (!lock)
    return lock.err();
  self->lock = std::move(*lock);

  auto options = make_rocksdb_options(opts);
  const auto& db_opts = options.db;

  // Open every family the directory already has (a later build may have
  // added one) plus every family this build needs.
  auto db_path = (opts.data_dir / "db").string();
  std::vector<std::string> existing;
  rocksdb::DB::ListColumnFamilies(db_opts, db_path, &existing).PermitUncheckedError();
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, options.plain);
  for (auto c : all_columns())
    descriptors.emplace_back(std::string{name_of(c)}, options.of(c));
  for (const auto& name : existing) {
    bool known = name == rocksdb::kDefaultColumnFamilyName;
    for (auto c : all_columns())
      known = known || name == name_of(c);
    if (!known)
      descriptors.emplace_back(name, options.plain);
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  auto st = rocksdb::DB::Open(db_opts, db_path, descriptors, &handles, &raw);
  if (!st.ok())
    return from_rocksdb(st, "cannot open the store in " + opts.data_dir.string());
  self->db.reset(raw);
  // handles[0] is "default"; then our columns in order; then unknown ones.
  self->extra.push_back(handles[0]);
  for (std::size_t i = 0; i < column_count; ++i)
    self->handles.push_back(handles[i + 1]);
  for (std::size_t i = column_count + 1; i < handles.size(); ++i)
    self->extra.push_back(handles[i]);

  std::unique_ptr<store> result_store{new store{std::move(self)}};
  auto& s = *result_store->impl_;

  // The metadata record: written at first start, checked afterwards.
  auto meta = result_store->get<v1::NodeMetadata>(column::metadata, keys::metadata_node);
  if (!meta)
    return meta.err();
  if (meta->has_value()) {
    s.meta = **meta;
    if (s.meta.schema_version() > schema_version)
      return make_error(storage_errc::newer_schema,
                        "data dir " + opts.data_dir.string()
                          + " was written by schema version "
                          + std::to_string(s.meta.schema_version())
                          + "; this build reads up to version "
                          + std::to_string(schema_version));
    if (s.meta.node_id() != opts.node_id)
      return make_error(storage_errc::wrong_node,
                        "data dir " + opts.data_dir.string() + " belongs to node '"
                          + s.meta.node_id() + "', not '" + opts.node_id + "'");
    if (s.meta.shard_count() == 0 || s.meta.shard_count() > 65535)
      return make_error(storage_errc::corruption,
                        "data dir " + opts.data_dir.string()
                          + " has an invalid shard count "
                          + std::to_string(s.meta.shard_count()));
  } else {
    if (opts.shard_count == 0 || opts.shard_count > 65535)
      return make_error(storage_errc::invalid,
                        "shard count " + std::to_string(opts.shard_count)
                          + " is out of range 1-65535");
    s.meta.set_schema_version(schema_version);
    s.meta.set_node_id(opts.node_id);
    s.meta.set_shard_count(opts.shard_count);
    s.meta.set_created_at_ms(now_ms());
    auto put = result_store->put(column::metadata, keys::metadata_node, s.meta);
    if (!put)
      return put.err();
  }
  return result_store;
}

const v1::NodeMetadata& store::metadata() const { return impl_->meta; }
const std::filesystem::path& store::data_dir() const { return impl_->opts.data_dir; }
uint32_t store::shard_count() const { return impl_->meta.shard_count(); }

uint32_t store::shard_of(std::string_view customer_id) const {
  return keys::shard_of(customer_id, shard_count());
}

error store::corrupt_record(column c, std::string_view key) {
  return make_error(storage_errc::corruption,
                    "record in column '" + std::string{name_of(c)}
                      + "' does not parse (key of " + std::to_string(key.size())
                      + " bytes)");
}

#define TROUPE_REQUIRE_OPEN()                                                  \
  std::shared_lock guard{impl_->close_mutex};                                  \
  if (!impl_->db)                                                              \
    return make_error(storage_errc::closed, "the store is closed")

status store::put(column c, std::string_view key,
                  const google::protobuf::MessageLite& record) {
  TROUPE_REQUIRE_OPEN();
  auto bytes = record.SerializeAsString();
  auto st = impl_->db->Put(impl_->write_opts, impl_->cf(c), slice(key), bytes);
  if (!st.ok())
    return from_rocksdb(st, "put in column '" + std::string{name_of(c)} + "'");
  return status::success();
}

status store::erase(column c, std::string_view key) {
  TROUPE_REQUIRE_OPEN();
  auto st = impl_->db->Delete(impl_->write_opts, impl_->cf(c), slice(key));
  if (!st.ok())
    return from_rocksdb(st, "delete in column '" + std::string{name_of(c)} + "'");
  return status::success();
}

result<std::optional<std::string>> store::get_raw(column c, std::string_view key) const {
  TROUPE_REQUIRE_OPEN();
  std::string value;
  auto st = impl_->db->Get(rocksdb::ReadOptions{}, impl_->cf(c), slice(key), &value);
  if (st.IsNotFound())
    return std::optional<std::string>{};
  if (!st.ok())
    return from_rocksdb(st, "get in column '" + std::string{name_of(c)} + "'");
  return std::optional<std::string>{std::move(value)};
}

result<std::optional<std::string>> store::last_raw(column c, std::string_view begin,
                                                  std::string_view end) const {
  TROUPE_REQUIRE_OPEN();
  rocksdb::ReadOptions ro;
  rocksdb::Slice lower = slice(begin);
  rocksdb::Slice upper = slice(end);
  ro.iterate_lower_bound = &lower;
  if (!end.empty())
    ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it{impl_->db->NewIterator(ro, impl_->cf(c))};
  it->SeekToLast();
  if (!it->status().ok())
    return from_rocksdb(it->status(), "seek to the end of column '" + std::string{name_of(c)} + "'");
  if (!it->Valid())
    return std::optional<std::string>{};
  return std::optional<std::string>{it->value().ToString()};
}

status store::scan_raw(
  column c, std::string_view begin, std::string_view end,
  const std::function<bool(std::string_view, std::string_view)>& visit) const {
  TROUPE_REQUIRE_OPEN();
  rocksdb::ReadOptions ro;
  rocksdb::Slice upper = slice(end);
  if (!end.empty())
    ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it{impl_->db->NewIterator(ro, impl_->cf(c))};
  for (it->Seek(slice(begin)); it->Valid(); it->Next()) {
    auto k = it->key();
    auto v = it->value();
    if (!visit({k.data(), k.size()}, {v.data(), v.size()}))
      break;
  }
  if (!it->status().ok())
    return from_rocksdb(it->status(), "scan of column '" + std::string{name_of(c)} + "'");
  return status::success();
}

status store::write(write_batch& batch) {
  TROUPE_REQUIRE_OPEN();
  // The ops go to RocksDB sorted by (column, key): a memtable insert starts
  // from where the one before it ended (its skip list keeps that splice), so
  // a key just after the last is found from the lowest levels instead of
  // searched for from the top. A stable sort keeps the order of the ops on
  // one key (the last wins), and ops on different keys commute.
  const auto& ops = batch.impl_->ops;
  std::vector<uint32_t> order(ops.size());
  for (uint32_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&ops](uint32_t a, uint32_t b) {
    if (ops[a].col != ops[b].col)
      return ops[a].col < ops[b].col;
    return ops[a].key < ops[b].key;
  });
  rocksdb::WriteBatch wb;
  for (auto i : order) {
    const auto& op = ops[i];
    auto st = op.erase ? wb.Delete(impl_->cf(op.col), op.key)
                       : wb.Put(impl_->cf(op.col), op.key, op.value);
    if (!st.ok())
      return from_rocksdb(st, "building a write batch");
  }
  auto st = impl_->db->Write(impl_->write_opts, &wb);
  if (!st.ok())
    return from_rocksdb(st, "write batch of " + std::to_string(batch.size()) + " records");
  batch.clear();
  return status::success();
}

status store::flush() {
  TROUPE_REQUIRE_OPEN();
  rocksdb::FlushOptions fo;
  fo.wait = true;
  auto st = impl_->db->Flush(fo, impl_->handles);
  if (!st.ok())
    return from_rocksdb(st, "flush of " + impl_->opts.data_dir.string());
  return status::success();
}

status store::sync_wal() {
  TROUPE_REQUIRE_OPEN();
  auto st = impl_->db->FlushWAL(true);
  if (!st.ok())
    return from_rocksdb(st, "sync of the write-ahead log of " + impl_->opts.data_dir.string());
  return status::success();
}

result<uint64_t> store::wal_syncs() const {
  TROUPE_REQUIRE_OPEN();
  std::string stats;
  if (!impl_->db->GetProperty("rocksdb.dbstats", &stats))
    return make_error(storage_errc::io_error, "RocksDB has no rocksdb.dbstats");
  // "Cumulative WAL: 12 writes, 3 syncs, 4.00 writes per sync, ..."; the
  // counts may carry a K or M suffix past 10,000.
  auto at = stats.find("Cumulative WAL:");
  auto comma = stats.find(" writes, ", at);
  if (at == std::string::npos || comma == std::string::npos)
    return make_error(storage_errc::io_error, "no WAL statistics in rocksdb.dbstats");
  // strtod, not stod: text RocksDB changed is an error value, not a throw
  // out of a /metrics scrape.
  const char* begin = stats.c_str() + comma + 9;
  char* end = nullptr;
  double n = std::strtod(begin, &end);
  if (end == begin || n < 0)
    return make_error(storage_errc::io_error, "no WAL sync count in rocksdb.dbstats");
  char unit = *end;
  if (unit == 'K')
    n *= 1e3;
  else if (unit == 'M')
    n *= 1e6;
  else if (unit == 'G')
    n *= 1e9;
  return static_cast<uint64_t>(n);
}

status store::erase_range(column c, std::string_view begin, std::string_view end) {
  TROUPE_REQUIRE_OPEN();
  auto st = impl_->db->DeleteRange(impl_->write_opts, impl_->cf(c), slice(begin), slice(end));
  if (!st.ok())
    return from_rocksdb(st, "range delete in column '" + std::string{name_of(c)} + "'");
  return status::success();
}

uint64_t store::int_property(column c, const char* property) const {
  std::shared_lock guard{impl_->close_mutex};
  uint64_t value = 0;
  if (impl_->db && !impl_->db->GetIntProperty(impl_->cf(c), property, &value))
    value = 0;
  return value;
}

uint64_t store::estimate_keys(column c) const {
  return int_property(c, "rocksdb.estimate-num-keys");
}

uint64_t store::sst_bytes(column c) const {
  return int_property(c, "rocksdb.live-sst-files-size");
}

status store::close() {
  std::unique_lock guard{impl_->close_mutex};
  return impl_->close_locked();
}

bool store::is_open() const {
  std::shared_lock guard{impl_->close_mutex};
  return impl_->db != nullptr;
}

} // namespace troupe::storage
