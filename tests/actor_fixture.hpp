#pragma once
/// Fixtures of the in-process actor tests: a real actor system (two
/// scheduler threads) with a manual clock and a metrics registry; and the
/// same with a real RocksDB store in a temp dir. Every actor is awaited at
/// the end of the test.

#include <memory>

#include <caf/all.hpp>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "actors/clock.hpp"
#include "storage/store.hpp"
#include "tests/temp_dir.hpp"
#include "tests/test_store.hpp"

namespace troupe::test {

class actor_fixture : public ::testing::Test {
protected:
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::shared_ptr<actors::manual_clock> time = std::make_shared<actors::manual_clock>();
  prometheus::Registry registry;

  void SetUp() override {
    cfg.set("scheduler.max-threads", size_t{2});
    sys = std::make_unique<caf::actor_system>(cfg);
  }
  void TearDown() override { sys->await_all_actors_done(); }
};

class store_actor_fixture : public actor_fixture {
protected:
  temp_dir dir;
  std::shared_ptr<storage::store> db;

  void SetUp() override {
    db = open_test_store(dir, 16);
    ASSERT_TRUE(db);
    actor_fixture::SetUp();
  }
};

} // namespace troupe::test
