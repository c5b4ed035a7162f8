// campaign/runner: its writes (mid-shard ones behind, on the ledger
// writer's thread) failing. A write the cluster refuses for now abandons
// its shard and the campaign goes on; a storage failure fails the
// campaign. Either way, what is durable is whole: each shard's stored
// checkpoint counts exactly the deliveries stored for it.

#include <atomic>
#include <chrono>
#include <thread>
#include <map>

#include <caf/all.hpp>
#include <gtest/gtest.h>

#include "campaign/manager.hpp"
#include "cluster/cluster_errc.hpp"
#include "storage/campaign_records.hpp"
#include "storage/storage_error.hpp"
#include "tests/actor_test_support.hpp"
#include "tests/campaign_fixture.hpp"

using namespace troupe;
using namespace troupe::test;

namespace {

/// The node's local writer, except that its `fail_at`-th write (1-based)
/// fails every part with `failure`, and so does every write after it if
/// `stay_failed`.
class failing_writer final : public storage::shard_writer {
public:
  failing_writer(std::shared_ptr<storage::shard_writer> inner, int fail_at, error failure,
                 bool stay_failed)
    : inner_(std::move(inner)), fail_at_(fail_at), failure_(std::move(failure)),
      stay_failed_(stay_failed) {}

  std::vector<status> write(std::vector<storage::shard_write>& parts) override {
    auto n = ++writes_;
    if (refuse_all || n == fail_at_ || (stay_failed_ && n > fail_at_))
      return std::vector<status>(parts.size(), failure_);
    return inner_->write(parts);
  }
  int writes() const { return writes_; }
  std::atomic<bool> refuse_all{false}; ///< from now on, every write fails

private:
  std::shared_ptr<storage::shard_writer> inner_;
  int fail_at_;
  error failure_;
  bool stay_failed_;
  std::atomic<int> writes_{0};
};

std::string spec(const std::string& id, int rate_limit = 0) {
  return R"({"id":")" + id + R"(","brief":{"product":"TrailLite","features":["light"]},)"
         + R"("segment":")" + default_predicate + R"(",)"
         + R"("arms":[{"name":"control","weight":1}],"window":64,"rate_limit":)"
         + std::to_string(rate_limit) + "}";
}

class runner_write_test : public campaign_fixture {
protected:
  /// Every shard: the deliveries its stored checkpoint counts are the
  /// deliveries stored for it. Returns the shards whose checkpoint is done.
  std::size_t check_whole(const std::string& id) {
    std::map<uint32_t, uint64_t> stored;
    for (auto& d : deliveries(id))
      ++stored[db->shard_of(d.customer_id())];
    std::size_t done = 0;
    for (uint32_t shard = 0; shard < db->shard_count(); ++shard) {
      auto cp = storage::read_checkpoint(*db, id, shard);
      EXPECT_TRUE(cp) << cp.err().message();
      if (!cp)
        continue;
      uint64_t counted = cp->has_value() ? (*cp)->counters().delivered() : 0;
      EXPECT_EQ(counted, stored[shard]) << "shard " << shard;
      if (cp->has_value() && (*cp)->done())
        ++done;
    }
    return done;
  }
};

} // namespace

TEST_F(runner_write_test, a_refused_write_behind_abandons_its_shard_and_the_campaign_goes_on) {
  populate(20'000);
  runner_opts.batch = 100; // many writes per shard: the 3rd is one behind, mid-shard
  auto refusing = std::make_shared<failing_writer>(
    storage::local_writer_of(db), 3,
    cluster::make_error(cluster::cluster_errc::not_primary, "not the primary (test)"), false);
  writer = refusing;
  auto s = run_to_end(manager(), spec("w1"), "w1");
  EXPECT_EQ(s.state, campaign::campaign_state::completed) << s.reason;
  EXPECT_GT(refusing->writes(), 3);
  auto done = check_whole("w1");
  EXPECT_EQ(done, db->shard_count() - 1) << "all but the abandoned shard";
  stop_helpers();
}

TEST_F(runner_write_test, a_storage_failure_fails_the_campaign_and_keeps_what_was_written_whole) {
  populate(20'000);
  runner_opts.batch = 100;
  auto broken = std::make_shared<failing_writer>(
    storage::local_writer_of(db), 4,
    storage::make_error(storage::storage_errc::io_error, "disk gone (test)"), true);
  writer = broken;
  auto s = run_to_end(manager(), spec("w2"), "w2");
  EXPECT_EQ(s.state, campaign::campaign_state::failed);
  EXPECT_NE(s.reason.find("cannot write deliveries and checkpoint of shard"), std::string::npos)
    << s.reason;
  EXPECT_NE(s.reason.find("disk gone (test)"), std::string::npos) << s.reason;
  check_whole("w2");
  EXPECT_GT(deliveries("w2").size(), 0u) << "the writes before the failure are kept";
  stop_helpers();
}

TEST_F(runner_write_test, a_cancel_whose_last_write_is_refused_still_ends_its_runner) {
  populate(20'000);
  auto refusing = std::make_shared<failing_writer>(
    storage::local_writer_of(db), 1'000'000,
    cluster::make_error(cluster::cluster_errc::not_primary, "not the primary (test)"), false);
  writer = refusing;
  auto m = manager();
  caf::scoped_actor self{*sys};
  auto before = sys->registry().running(); // the manager and this scoped actor
  ASSERT_TRUE(create_and_start(self, m, spec("w3", 2'000), "w3")); // about 10 s
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_GT(sys->registry().running(), before) << "the runner and its pipeline run";
  refusing->refuse_all = true; // the cancel's last flush is refused
  auto cancelled = call<campaign::campaign_status>(self, m, actors::cancel_atom::value,
                                                   std::string{"w3"});
  ASSERT_TRUE(cancelled) << actors::describe(cancelled.error());
  EXPECT_EQ(cancelled->state, campaign::campaign_state::cancelled);
  // The runner (and its stages and ledger writer) end: before the fix,
  // the abandoned shard's `pull` found a final state and did nothing.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (sys->registry().running() > before && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(sys->registry().running(), before);
  check_whole("w3");
  stop_helpers();
}
