// sharding/shard_ownership: serving, sealing, and the change events its
// subscribers get instead of polling (a message per change of the kinds
// they asked for, in the mailbox by the time the change returns).

#include <caf/all.hpp>
#include <gtest/gtest.h>

#include "sharding/shard_ownership.hpp"

using namespace troupe::sharding;
using namespace std::chrono_literals;

namespace {

using gained_atom = caf::atom_constant<caf::atom("gained")>;
using changed_atom = caf::atom_constant<caf::atom("changed")>;

class shard_ownership_test : public ::testing::Test {
protected:
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  shard_ownership ownership{4};

  static std::vector<bool> only(std::initializer_list<uint32_t> shards) {
    std::vector<bool> owned(4, false);
    for (auto s : shards)
      owned[s] = true;
    return owned;
  }

  /// The atoms waiting in `self`'s mailbox, taken out.
  static std::vector<caf::atom_value> drain(caf::scoped_actor& self) {
    std::vector<caf::atom_value> out;
    while (!self->mailbox().empty())
      self->receive([&](caf::atom_value a) { out.push_back(a); });
    return out;
  }
};

TEST_F(shard_ownership_test, a_subscriber_hears_of_the_kinds_it_asked_for_and_no_others) {
  caf::scoped_actor manager{sys};
  caf::scoped_actor runner{sys};
  ownership.subscribe(caf::actor_cast<caf::actor_addr>(manager.ptr()),
                      caf::make_message(gained_atom::value), ownership_event::gained);
  ownership.subscribe(caf::actor_cast<caf::actor_addr>(runner.ptr()),
                      caf::make_message(changed_atom::value),
                      ownership_event::lost | ownership_event::unsealed);
  ownership.assign(only({0, 1})); // 2 and 3 lost
  EXPECT_TRUE(drain(manager).empty());
  EXPECT_EQ(drain(runner), std::vector<caf::atom_value>{changed_atom::value});
  ownership.assign(only({0, 1})); // no change: nobody hears
  EXPECT_TRUE(drain(manager).empty());
  EXPECT_TRUE(drain(runner).empty());
  ownership.assign(only({0, 1, 3})); // 3 gained
  EXPECT_EQ(drain(manager), std::vector<caf::atom_value>{gained_atom::value});
  EXPECT_TRUE(drain(runner).empty());
  EXPECT_EQ(ownership.gained(), 1u);
  ownership.assign(only({2})); // gained and lost at once: one message each
  EXPECT_EQ(drain(manager).size(), 1u);
  EXPECT_EQ(drain(runner).size(), 1u);
}

TEST_F(shard_ownership_test, sealing_and_unsealing_are_events_too) {
  caf::scoped_actor self{sys};
  ownership.subscribe(caf::actor_cast<caf::actor_addr>(self.ptr()),
                      caf::make_message(changed_atom::value),
                      ownership_event::sealed | ownership_event::unsealed);
  EXPECT_TRUE(ownership.seal(1, 0ms));
  EXPECT_FALSE(ownership.serves(1));
  EXPECT_TRUE(ownership.owns(1));
  EXPECT_EQ(drain(self).size(), 1u);
  EXPECT_TRUE(ownership.seal(1, 0ms)); // sealed already: no event
  EXPECT_TRUE(drain(self).empty());
  ownership.unseal(1);
  EXPECT_TRUE(ownership.serves(1));
  EXPECT_EQ(drain(self).size(), 1u);
  ownership.unseal(1); // not sealed: no event
  EXPECT_TRUE(drain(self).empty());
}

TEST_F(shard_ownership_test, a_runner_inside_a_shard_holds_its_seal_until_it_leaves) {
  EXPECT_TRUE(ownership.enter(2));
  EXPECT_FALSE(ownership.seal(2, 0ms)); // timed out: still sealed
  EXPECT_TRUE(ownership.sealed(2));
  EXPECT_FALSE(ownership.enter(2));
  ownership.leave(2);
  EXPECT_TRUE(ownership.seal(2, 0ms));
}

TEST_F(shard_ownership_test, unsubscribed_and_terminated_subscribers_hear_nothing_more) {
  uint64_t gone_sub = 0;
  {
    caf::scoped_actor gone{sys};
    gone_sub = ownership.subscribe(caf::actor_cast<caf::actor_addr>(gone.ptr()),
                                   caf::make_message(changed_atom::value), ownership_event::lost);
  }
  caf::scoped_actor self{sys};
  auto sub = ownership.subscribe(caf::actor_cast<caf::actor_addr>(self.ptr()),
                                 caf::make_message(changed_atom::value), ownership_event::lost);
  EXPECT_EQ(ownership.subscribers(), 2u);
  ownership.assign(only({0, 1, 2}));
  EXPECT_EQ(drain(self).size(), 1u);
  EXPECT_EQ(ownership.subscribers(), 1u); // the terminated one was dropped
  ownership.unsubscribe(sub);
  ownership.unsubscribe(gone_sub); // gone already: nothing happens
  ownership.assign(only({0}));
  EXPECT_TRUE(drain(self).empty());
  EXPECT_EQ(ownership.subscribers(), 0u);
}

} // namespace
