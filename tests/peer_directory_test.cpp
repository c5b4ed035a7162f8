// Who is on the other end of each connection (trust/peer_directory): a node
// id is bound to one peer; that peer may hold it on several connections
// (two members that dial each other at once), another peer never: a
// shell may not borrow a member's, nor a member a shell's.

#include <gtest/gtest.h>

#include <caf/node_id.hpp>

#include "trust/peer_directory.hpp"

using namespace troupe;

namespace {

caf::node_id some_node(uint32_t pid) {
  caf::node_id::default_data::host_id_type host{};
  host[0] = 7;
  return caf::make_node_id(pid, host);
}

TEST(peer_directory_test, a_peer_holds_its_node_id_on_two_connections_until_both_close) {
  trust::peer_directory dir{true};
  auto node = some_node(41);
  trust::peer n2{"n2", trust::role::node, "127.0.0.1:5000"};
  ASSERT_TRUE(dir.bind(node, 1, n2));
  // The same member dialled back at the same time: a second connection,
  // on which the member is known by the role its proof gave ("node").
  trust::peer again{"node", trust::role::node, "127.0.0.1:6000"};
  EXPECT_TRUE(dir.bind(node, 2, again));
  dir.unbind(1);
  auto who = dir.find(node);
  ASSERT_TRUE(who.has_value()) << "bound while connection 2 is open";
  EXPECT_EQ(who->name, "n2");
  dir.unbind(2);
  EXPECT_FALSE(dir.find(node).has_value());
}

TEST(peer_directory_test, another_peer_cannot_borrow_a_bound_node_id) {
  trust::peer_directory dir{true};
  auto node = some_node(42);
  ASSERT_TRUE(dir.bind(node, 1, trust::peer{"n2", trust::role::node, "127.0.0.1:5000"}));
  // A shell with an operator token naming a member's node: refused.
  EXPECT_FALSE(dir.bind(node, 2, trust::peer{"n2", trust::role::operator_, "127.0.0.1:6000"}));
  EXPECT_FALSE(dir.bind(node, 3, trust::peer{"n2", trust::role::viewer, "127.0.0.1:6001"}));
  EXPECT_EQ(dir.find(node)->role, trust::role::node);
  // Refused ones bound nothing: closing them leaves the member's binding.
  dir.unbind(2);
  dir.unbind(3);
  EXPECT_EQ(dir.find(node)->name, "n2");
  dir.unbind(1);
  EXPECT_TRUE(dir.bind(node, 4, trust::peer{"alice", trust::role::operator_, "127.0.0.1:6002"}));
  EXPECT_FALSE(dir.bind(node, 5, trust::peer{"n2", trust::role::node, "127.0.0.1:6003"}));
}

} // namespace
