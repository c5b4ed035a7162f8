// The typed cluster actor on CAF's deterministic test scheduler (the
// test_coordinator of libcaf_core, which caf/test/dsl.hpp builds on; the
// DSL itself brings CAF's own unit-test engine and main, which do not sit
// with GoogleTest, so the scheduler is driven by hand: every message runs
// when the test says so, and no timer fires unless the test advances it):
// a node alone forms a cluster, answers `nodes`, admits and refuses joins,
// drains, and answers with cluster_errc. The members are
// in-process stand-ins (no middleman); the multi-process behaviour is in
// cluster_process_test and cluster_wire_test.

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <gtest/gtest.h>

#include "actors/actor_error.hpp"
#include "cluster/cluster_errc.hpp"
#include "cluster/cluster_state.hpp"
#include "tests/actor_fixture.hpp"

using namespace troupe;
using namespace troupe::cluster;

namespace {

class cluster_actor_test : public test::store_actor_fixture {
protected:
  std::shared_ptr<sharding::shard_ownership> ownership;
  std::shared_ptr<std::atomic<bool>> joined = std::make_shared<std::atomic<bool>>(false);
  std::shared_ptr<std::atomic<uint16_t>> port = std::make_shared<std::atomic<uint16_t>>(4000);
  caf::scheduler::test_coordinator* sched = nullptr;
  cluster_actor cluster;

  void SetUp() override {
    cfg.set("scheduler.policy", caf::atom("testing"));
    store_actor_fixture::SetUp(); // 16 shards, node n1
    ownership = std::make_shared<sharding::shard_ownership>(16);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(sys->scheduler());
  }

  void TearDown() override {
    if (cluster)
      caf::anon_send_exit(cluster, caf::exit_reason::user_shutdown);
    sched->run();
    cluster = nullptr;
    store_actor_fixture::TearDown();
  }

  /// Starts the cluster actor (not detached: the test scheduler runs it)
  /// and lets it take its first tick.
  void start() {
    cluster_config c;
    c.node_id = "n1";
    c.host = "127.0.0.1";
    c.port = port;
    c.db = db;
    c.ownership = ownership;
    c.joined = joined;
    cluster = sys->spawn(cluster_behavior, std::move(c));
    sched->run();
  }

  /// Asks the cluster actor, runs it, and returns the answer or the error.
  template <class Reply, class... Ts>
  std::pair<std::optional<Reply>, caf::error> ask(caf::scoped_actor& self, Ts... xs) {
    auto handle = self->request(cluster, caf::infinite, xs...);
    sched->run();
    std::pair<std::optional<Reply>, caf::error> out;
    handle.receive([&](Reply& r) { out.first = std::move(r); },
                   [&](caf::error& e) { out.second = std::move(e); });
    return out;
  }

  static member_info joiner(const std::string& id, uint32_t shards = 16) {
    member_info m;
    m.id = id;
    m.host = "127.0.0.2";
    m.port = 4001;
    m.shard_count = shards;
    return m;
  }
};

TEST_F(cluster_actor_test, a_node_without_seeds_forms_a_cluster_alone_and_owns_every_shard) {
  start();
  EXPECT_TRUE(joined->load());
  EXPECT_EQ(ownership->owned().size(), 16u);
  caf::scoped_actor self{*sys};
  auto [rows, err] = ask<std::vector<node_row>>(self, nodes_atom::value);
  ASSERT_TRUE(rows) << actors::describe(err);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].id, "n1");
  EXPECT_TRUE((*rows)[0].leader);
  EXPECT_EQ((*rows)[0].shards, 16u);
  EXPECT_EQ((*rows)[0].state, member_state::up);
}

TEST_F(cluster_actor_test, a_node_that_has_not_joined_refuses_joins_and_drains_for_now) {
  port->store(0); // not listening yet: it does not join
  start();
  EXPECT_FALSE(joined->load());
  caf::scoped_actor self{*sys};
  caf::scoped_actor other{*sys};
  auto join = ask<cluster_view>(self, join_atom::value, joiner("n2"),
                                caf::actor_cast<caf::actor>(other.ptr()));
  ASSERT_FALSE(join.first);
  EXPECT_TRUE(actors::is(join.second, cluster_errc::not_in_cluster));
  EXPECT_TRUE(actors::from_caf_error(join.second).retryable());
  auto drain = ask<std::string>(self, drain_atom::value, std::string{"n2"});
  EXPECT_TRUE(actors::is(drain.second, cluster_errc::not_in_cluster));
  auto members = ask<member_handles>(self, members_atom::value);
  ASSERT_TRUE(members.first);
  EXPECT_EQ(members.first->primary, std::vector<std::string>(16, "n1"));
}

TEST_F(cluster_actor_test, the_leader_refuses_another_shard_count_and_its_own_id) {
  start();
  caf::scoped_actor self{*sys};
  caf::scoped_actor other{*sys};
  auto admin = caf::actor_cast<caf::actor>(other.ptr());
  auto odd = ask<cluster_view>(self, join_atom::value, joiner("n2", 32), admin);
  EXPECT_TRUE(actors::is(odd.second, cluster_errc::shard_count_mismatch))
    << actors::describe(odd.second);
  EXPECT_EQ(actors::describe(odd.second),
            "node n2 has 32 shards in its data dir; the cluster has 16 shards: start it on a new "
            "data dir with --shards 16");
  auto twin = ask<cluster_view>(self, join_atom::value, joiner("n1"), admin);
  EXPECT_TRUE(actors::is(twin.second, cluster_errc::refused_join));
  auto nameless = ask<cluster_view>(self, join_atom::value, joiner("n2"), caf::actor{});
  EXPECT_TRUE(actors::is(nameless.second, cluster_errc::malformed_join));
}

TEST_F(cluster_actor_test, the_leader_admits_a_member_pushes_the_view_and_drains_it) {
  start();
  caf::scoped_actor self{*sys};
  caf::scoped_actor n2{*sys};
  auto [view, err] = ask<cluster_view>(self, join_atom::value, joiner("n2"),
                                       caf::actor_cast<caf::actor>(n2.ptr()));
  ASSERT_TRUE(view) << actors::describe(err);
  EXPECT_EQ(view->leader, "n1");
  ASSERT_NE(view->find("n2"), nullptr);
  EXPECT_EQ(view->find("n2")->state, member_state::up);
  EXPECT_EQ(view->find("n2")->seq, 1u);
  // n2's admin actor got the new view.
  bool pushed = false;
  while (!n2->mailbox().empty())
    n2->receive([&](view_atom, const cluster_view& v) { pushed = v.version == view->version; },
                [](caf::message&) {});
  EXPECT_TRUE(pushed);
  auto members = ask<member_handles>(self, members_atom::value);
  ASSERT_TRUE(members.first);
  ASSERT_EQ(members.first->peers.size(), 1u);
  EXPECT_EQ(members.first->peers[0].first, "n2");

  auto unknown = ask<std::string>(self, drain_atom::value, std::string{"n9"});
  EXPECT_TRUE(actors::is(unknown.second, cluster_errc::unknown_member));
  auto drain = ask<std::string>(self, drain_atom::value, std::string{"n2"});
  ASSERT_TRUE(drain.first) << actors::describe(drain.second);
  EXPECT_EQ(*drain.first, "draining n2: 0 shards to hand off");
  auto after = ask<cluster_view>(self, view_atom::value);
  ASSERT_TRUE(after.first);
  EXPECT_EQ(after.first->find("n2")->state, member_state::leaving);
  // n1 is the only one up besides the leaving n2: it cannot be drained.
  auto alone = ask<std::string>(self, drain_atom::value, std::string{"n1"});
  EXPECT_TRUE(actors::is(alone.second, cluster_errc::no_receiver));
}

TEST_F(cluster_actor_test, a_stale_view_is_ignored_and_a_newer_one_adopted) {
  start();
  caf::scoped_actor self{*sys};
  auto current = ask<cluster_view>(self, view_atom::value).first.value();
  auto stale = current;
  stale.leader = "n7";
  self->send(cluster, view_atom::value, stale);
  sched->run();
  EXPECT_EQ(ask<cluster_view>(self, view_atom::value).first->leader, "n1");
  auto newer = current;
  newer.version += 1;
  newer.map.owners[5] = {"n2"};
  self->send(cluster, view_atom::value, newer);
  sched->run();
  EXPECT_EQ(ask<cluster_view>(self, view_atom::value).first->version, newer.version);
  EXPECT_FALSE(ownership->owns(5)); // the node serves what the adopted map gives it
  EXPECT_TRUE(ownership->owns(4));
}

} // namespace
