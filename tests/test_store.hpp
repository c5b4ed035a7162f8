#pragma once
/// A fresh RocksDB store for one test, in a temp dir.

#include <cstdint>
#include <memory>

#include <gtest/gtest.h>

#include "storage/store.hpp"
#include "tests/temp_dir.hpp"

namespace troupe::test {

/// Opens a store for node n1 with `shards` shards in `dir`/db; null (and a
/// test failure naming the reason) when it does not open.
inline std::shared_ptr<storage::store> open_test_store(const temp_dir& dir, uint32_t shards) {
  storage::store_options o;
  o.data_dir = dir / "db";
  o.node_id = "n1";
  o.shard_count = shards;
  auto s = storage::store::open(o);
  if (!s.ok()) {
    ADD_FAILURE() << "the store does not open: " << s.err().message();
    return nullptr;
  }
  return std::move(*s);
}

} // namespace troupe::test
