// wire/gate: the cap on connections still proving themselves, eviction of
// stale ones, and why the last connection this process opened was refused.

#include <chrono>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "trust/trust_error.hpp"
#include "wire/gate.hpp"

using namespace troupe;
using namespace troupe::wire;
using namespace std::chrono_literals;

namespace {

std::unique_ptr<gate> make_gate(size_t max_unauthenticated,
                                std::chrono::milliseconds timeout) {
  gate_limits limits;
  limits.max_unauthenticated = max_unauthenticated;
  limits.handshake_timeout = timeout;
  return std::make_unique<gate>(credentials{}, limits,
                                std::make_shared<trust::peer_directory>(false), nullptr);
}

} // namespace

TEST(gate_test, admits_up_to_the_limit_and_refuses_one_more) {
  auto g = make_gate(3, 1h);
  std::vector<uint64_t> evicted;
  for (uint64_t id = 1; id <= 3; ++id)
    EXPECT_TRUE(g->begin_unauthenticated(id, [&, id] { evicted.push_back(id); })) << id;
  EXPECT_EQ(g->unauthenticated(), 3u);
  EXPECT_FALSE(g->begin_unauthenticated(4, [&] { evicted.push_back(4); }));
  EXPECT_EQ(g->unauthenticated(), 3u);
  EXPECT_TRUE(evicted.empty()) << "none is older than the timeout";
  // One proves itself: there is room again.
  g->end_unauthenticated(2);
  EXPECT_EQ(g->unauthenticated(), 2u);
  EXPECT_TRUE(g->begin_unauthenticated(5, [&] { evicted.push_back(5); }));
  EXPECT_FALSE(g->begin_unauthenticated(6, [&] { evicted.push_back(6); }));
  EXPECT_TRUE(evicted.empty());
}

TEST(gate_test, stale_connections_are_evicted_to_make_room) {
  auto g = make_gate(2, 1ms);
  std::vector<uint64_t> evicted;
  // The eviction closes the connection, which leaves the gate's list as it
  // does: the callback may call back into the gate.
  auto evict = [&](uint64_t id) {
    return [&, id] {
      evicted.push_back(id);
      g->end_unauthenticated(id);
    };
  };
  EXPECT_TRUE(g->begin_unauthenticated(1, evict(1)));
  EXPECT_TRUE(g->begin_unauthenticated(2, evict(2)));
  std::this_thread::sleep_for(5ms);
  EXPECT_TRUE(g->begin_unauthenticated(3, evict(3)));
  EXPECT_EQ(evicted, (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(g->unauthenticated(), 1u);
}

TEST(gate_test, nothing_is_evicted_while_there_is_room) {
  auto g = make_gate(3, 1ms);
  int evicted = 0;
  EXPECT_TRUE(g->begin_unauthenticated(1, [&] { ++evicted; }));
  std::this_thread::sleep_for(5ms);
  EXPECT_TRUE(g->begin_unauthenticated(2, [&] { ++evicted; }));
  EXPECT_EQ(evicted, 0);
  EXPECT_EQ(g->unauthenticated(), 2u);
}

TEST(gate_test, only_connections_older_than_the_timeout_are_evicted) {
  auto g = make_gate(2, 500ms);
  std::vector<uint64_t> evicted;
  EXPECT_TRUE(g->begin_unauthenticated(1, [&] { evicted.push_back(1); }));
  std::this_thread::sleep_for(600ms);
  EXPECT_TRUE(g->begin_unauthenticated(2, [&] { evicted.push_back(2); }));
  EXPECT_TRUE(g->begin_unauthenticated(3, [&] { evicted.push_back(3); }));
  EXPECT_EQ(evicted, (std::vector<uint64_t>{1}));
  EXPECT_FALSE(g->begin_unauthenticated(4, [&] { evicted.push_back(4); }));
  EXPECT_EQ(evicted, (std::vector<uint64_t>{1}));
}

TEST(gate_test, ending_an_unknown_connection_changes_nothing) {
  auto g = make_gate(1, 1h);
  EXPECT_TRUE(g->begin_unauthenticated(1, [] {}));
  g->end_unauthenticated(99);
  EXPECT_EQ(g->unauthenticated(), 1u);
  g->end_unauthenticated(1);
  g->end_unauthenticated(1);
  EXPECT_EQ(g->unauthenticated(), 0u);
}

TEST(gate_test, note_refused_keeps_the_last_refusal_per_port) {
  auto g = make_gate(1, 1h);
  EXPECT_FALSE(g->refused_at(4000));
  EXPECT_TRUE(g->note_refused(4000, trust::make_error(trust::trust_errc::not_permitted, "first")));
  // The same reason again is no news (a retrying node logs it once).
  EXPECT_FALSE(g->note_refused(4000, trust::make_error(trust::trust_errc::not_permitted, "first")));
  EXPECT_TRUE(g->note_refused(4001, trust::make_error(trust::trust_errc::bad_proof, "other port")));
  EXPECT_TRUE(g->note_refused(4000,
                              trust::make_error(trust::trust_errc::not_permitted,
                                                "permission denied: no token of this node matches")));
  auto why = g->refused_at(4000);
  ASSERT_TRUE(why);
  EXPECT_TRUE(why->is(trust::trust_errc::not_permitted));
  EXPECT_EQ(why->message(), "permission denied: no token of this node matches");
  ASSERT_TRUE(g->refused_at(4001));
  EXPECT_EQ(g->refused_at(4001)->message(), "other port");
  EXPECT_FALSE(g->refused_at(4002));
}

TEST(gate_test, connection_ids_are_unique_and_the_public_actor_is_kept) {
  auto g = make_gate(1, 1h);
  std::set<uint64_t> ids;
  for (int i = 0; i < 100; ++i)
    EXPECT_TRUE(ids.insert(g->next_connection_id()).second);
  EXPECT_EQ(ids.count(0), 0u);
  EXPECT_EQ(g->public_actor(), 0u);
  g->set_public_actor(42);
  EXPECT_EQ(g->public_actor(), 42u);
}
