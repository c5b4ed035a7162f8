// Reads off the write path: the storage actor hands counts, pages, reports
// and audit walks to its readers, so an import sent after several long
// counts is written and answered while they still scan (before, it waited
// in the storage actor's mailbox behind every one of them); the counts
// still answer right.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <vector>

#include <caf/all.hpp>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "customers/storage_actor.hpp"
#include "tests/campaign_fixture.hpp"
#include "tests/process.hpp"

using namespace troupe;
using namespace troupe::test;
using namespace std::chrono_literals;

namespace {

class storage_reader_test : public campaign_fixture {};

} // namespace

TEST_F(storage_reader_test, an_import_is_answered_while_long_counts_still_scan) {
  populate(150'000);
  auto metrics = std::make_shared<customers::import_metrics>(registry);
  auto storage = customers::spawn_storage_actor(*sys, customers::local_storage(db, metrics));
  std::mutex mutex;
  std::vector<std::string> answered; // in the order the answers came
  std::atomic<int> pending{4};
  uint64_t counted = 0;
  caf::scoped_actor self{*sys};
  auto note = [&](std::string what) {
    std::lock_guard<std::mutex> guard{mutex};
    answered.push_back(std::move(what));
    --pending;
  };
  // The counts go as an argument: CAF 0.17 binds a function actor spawned
  // without one to a null tuple (UBSan).
  auto asker = sys->spawn([&, storage](caf::event_based_actor* a, int counts) {
    for (int i = 0; i < counts; ++i)
      a->request(storage, 60s, actors::count_atom::value, std::string{default_predicate})
        .then(
          [&](uint64_t n) {
            counted = n;
            note("count");
          },
          [&](caf::error& e) { note("count failed: " + actors::describe(e)); });
    customers::import_chunk chunk;
    chunk.lines = {R"({"id":"late-1","region":"CA"})"};
    a->request(storage, 60s, actors::import_atom::value, chunk)
      .then([&](customers::import_result& r) { note("import " + std::to_string(r.imported)); },
            [&](caf::error& e) { note("import failed: " + actors::describe(e)); });
  }, 3);
  ASSERT_TRUE(eventually([&] { return pending.load() == 0; }, 60s));
  std::lock_guard<std::mutex> guard{mutex};
  ASSERT_EQ(answered.size(), 4u);
  EXPECT_EQ(answered.front(), "import 1") << "the import waited behind the counts";
  EXPECT_EQ(std::count(answered.begin(), answered.end(), "count"), 3);
  EXPECT_EQ(counted, selected.size());
  caf::anon_send_exit(storage, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(asker, caf::exit_reason::user_shutdown);
}
