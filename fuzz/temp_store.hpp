#pragma once
/// A RocksDB store in a fresh temp dir for a harness's whole run, removed
/// at exit (libFuzzer ends with exit()). Harness code only.

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "fuzz/check.hpp"
#include "storage/store.hpp"

namespace troupe::fuzz {

inline std::filesystem::path& temp_store_dir() {
  static std::filesystem::path dir;
  return dir;
}

inline std::unique_ptr<storage::store>& temp_store_db() {
  static auto* db = new std::unique_ptr<storage::store>;
  return *db;
}

/// Opens the store (once per process) with `shard_count` shards.
inline storage::store& temp_store(uint32_t shard_count) {
  auto& db = temp_store_db();
  if (db)
    return *db;
  std::string dir = (std::filesystem::temp_directory_path() / "troupe-fuzz-XXXXXX").string();
  FUZZ_CHECK(mkdtemp(dir.data()) != nullptr, "a temp dir");
  temp_store_dir() = dir;
  storage::store_options o;
  o.data_dir = temp_store_dir() / "db";
  o.node_id = "fuzz";
  o.shard_count = shard_count;
  auto opened = storage::store::open(o);
  FUZZ_CHECK(opened.ok(), "the store opens");
  db = std::move(*opened);
  std::atexit([] {
    temp_store_db().reset();
    std::error_code ignored; // a temp dir left behind is no failure of the target
    std::filesystem::remove_all(temp_store_dir(), ignored);
  });
  return *db;
}

} // namespace troupe::fuzz
