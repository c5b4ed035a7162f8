// actors/supervisor: one-for-one restart under a real actor system, restart
// budget, escalation. Synchronises on messages (down messages, requests),
// never on sleeps.

#include <atomic>

#include <caf/all.hpp>
#include <gtest/gtest.h>

#include "actors/supervisor.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

using boom_atom = caf::atom_constant<caf::atom("boom")>;
using ping_atom = caf::atom_constant<caf::atom("ping")>;

/// A child that answers ping with its incarnation and throws on boom.
caf::behavior fragile(caf::event_based_actor*, int incarnation) {
  return {
    [incarnation](ping_atom) { return incarnation; },
    [](boom_atom) -> int { throw std::runtime_error("boom on purpose"); },
  };
}

class supervisor_test : public ::testing::Test {
protected:
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::shared_ptr<std::atomic<int>> starts = std::make_shared<std::atomic<int>>(0);

  void SetUp() override {
    cfg.set("scheduler.max-threads", size_t{2});
    sys = std::make_unique<caf::actor_system>(cfg);
  }

  actors::child_spec fragile_child(std::string name) {
    actors::child_spec spec;
    spec.name = std::move(name);
    auto counter = starts;
    spec.start = [counter](caf::actor_system& s) {
      int n = ++*counter;
      return caf::actor_cast<caf::strong_actor_ptr>(s.spawn(fragile, n));
    };
    return spec;
  }

  caf::actor child_of(caf::scoped_actor& self, const caf::actor& sup,
                      const std::string& name) {
    caf::actor result;
    self->request(sup, 2s, caf::get_atom::value, name)
      .receive([&](caf::strong_actor_ptr& p) { result = caf::actor_cast<caf::actor>(p); },
               [&](caf::error&) {});
    return result;
  }

  /// Crashes `child` and waits for its down message.
  void crash(caf::scoped_actor& self, const caf::actor& child) {
    self->monitor(child);
    self->send(child, boom_atom::value);
    bool down = false;
    self->receive([&](caf::down_msg& dm) { down = dm.source == child.address(); },
                  caf::after(5s) >> [] {});
    ASSERT_TRUE(down);
  }

  /// Waits until the supervisor hands out a child other than `old`.
  caf::actor replacement(caf::scoped_actor& self, const caf::actor& sup,
                         const std::string& name, const caf::actor& old) {
    for (int i = 0; i < 500; ++i) {
      auto now = child_of(self, sup, name);
      if (now && now != old)
        return now;
    }
    return nullptr;
  }
};

} // namespace

TEST_F(supervisor_test, a_child_that_throws_is_restarted_under_its_name) {
  auto sup = actors::spawn_supervisor(*sys, "test", actors::restart_policy{3, 10s},
                                      {fragile_child("worker")});
  {
    caf::scoped_actor self{*sys};
    auto first = child_of(self, sup, "worker");
    ASSERT_TRUE(first);
    crash(self, first);
    auto second = replacement(self, sup, "worker", first);
    ASSERT_TRUE(second);
    int incarnation = 0;
    self->request(second, 2s, ping_atom::value)
      .receive([&](int n) { incarnation = n; }, [](caf::error&) {});
    EXPECT_EQ(incarnation, 2);
    self->send_exit(sup, caf::exit_reason::user_shutdown);
  }
  sys->await_all_actors_done();
}

TEST_F(supervisor_test, siblings_are_not_restarted_one_for_one) {
  auto sup = actors::spawn_supervisor(*sys, "test", actors::restart_policy{3, 10s},
                                      {fragile_child("a"), fragile_child("b")});
  {
    caf::scoped_actor self{*sys};
    auto a = child_of(self, sup, "a");
    auto b = child_of(self, sup, "b");
    crash(self, a);
    ASSERT_TRUE(replacement(self, sup, "a", a));
    EXPECT_EQ(child_of(self, sup, "b"), b);
    EXPECT_EQ(starts->load(), 3);
    self->send_exit(sup, caf::exit_reason::user_shutdown);
  }
  sys->await_all_actors_done();
}

TEST_F(supervisor_test, spending_the_budget_escalates_to_the_parent) {
  auto sup = actors::spawn_supervisor(*sys, "test", actors::restart_policy{2, 60s},
                                      {fragile_child("worker")});
  {
    caf::scoped_actor self{*sys};
    self->monitor(sup);
    auto child = child_of(self, sup, "worker");
    crash(self, child); // restart 1
    child = replacement(self, sup, "worker", child);
    ASSERT_TRUE(child);
    crash(self, child); // restart 2
    child = replacement(self, sup, "worker", child);
    ASSERT_TRUE(child);
    self->monitor(child);
    self->send(child, boom_atom::value); // third failure: over budget
    caf::error reason;
    bool supervisor_down = false;
    for (int i = 0; i < 2 && !supervisor_down; ++i)
      self->receive(
        [&](caf::down_msg& dm) {
          if (dm.source == sup.address()) {
            supervisor_down = true;
            reason = dm.reason;
          }
        },
        caf::after(5s) >> [] {});
    ASSERT_TRUE(supervisor_down);
    EXPECT_TRUE(reason);
    EXPECT_NE(reason, caf::exit_reason::normal);
    EXPECT_NE(sys->render(reason).find("giving up"), std::string::npos)
      << sys->render(reason);
    EXPECT_EQ(starts->load(), 3);
  }
  sys->await_all_actors_done();
}

TEST_F(supervisor_test, exit_stops_every_child) {
  auto sup = actors::spawn_supervisor(*sys, "test", actors::restart_policy{},
                                      {fragile_child("a"), fragile_child("b")});
  {
    caf::scoped_actor self{*sys};
    auto a = child_of(self, sup, "a");
    auto b = child_of(self, sup, "b");
    self->monitor(a);
    self->monitor(b);
    self->send_exit(sup, caf::exit_reason::user_shutdown);
    int downs = 0;
    for (int i = 0; i < 2; ++i)
      self->receive([&](caf::down_msg&) { ++downs; }, caf::after(5s) >> [] {});
    EXPECT_EQ(downs, 2);
  }
  sys->await_all_actors_done();
  EXPECT_EQ(starts->load(), 2); // no restarts during shutdown
}

TEST_F(supervisor_test, tree_lists_nested_children_with_restarts_and_paths_resolve) {
  auto sup = actors::spawn_supervisor(
    *sys, "root", actors::restart_policy{3, 10s},
    {fragile_child("worker"),
     actors::supervisor_child("inner", actors::restart_policy{}, {fragile_child("leaf")})});
  {
    caf::scoped_actor self{*sys};
    auto first = child_of(self, sup, "worker");
    crash(self, first);
    ASSERT_TRUE(replacement(self, sup, "worker", first));
    std::vector<actors::actor_entry> tree;
    self->request(sup, 5s, actors::tree_atom::value)
      .receive([&](std::vector<actors::actor_entry>& t) { tree = std::move(t); },
               [](caf::error& e) { FAIL() << caf::to_string(e); });
    ASSERT_EQ(tree.size(), 4u);
    EXPECT_EQ(tree[0].path, "root");
    EXPECT_EQ(tree[1].path, "root/worker");
    EXPECT_EQ(tree[1].restarts, 1u);
    EXPECT_EQ(tree[1].state, "running");
    EXPECT_EQ(tree[2].path, "root/inner");
    EXPECT_EQ(tree[3].path, "root/inner/leaf");
    EXPECT_EQ(tree[3].restarts, 0u);
    // A path reaches through the nested supervisor.
    auto leaf = child_of(self, sup, "inner/leaf");
    ASSERT_TRUE(leaf);
    int incarnation = 0;
    self->request(leaf, 2s, ping_atom::value).receive([&](int n) { incarnation = n; },
                                                      [](caf::error&) {});
    EXPECT_GT(incarnation, 0);
    EXPECT_FALSE(child_of(self, sup, "inner/nobody"));
    self->send_exit(sup, caf::exit_reason::user_shutdown);
  }
  sys->await_all_actors_done();
}
