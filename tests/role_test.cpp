// trust/role: what each role may do, and which words name a role.

#include <gtest/gtest.h>

#include "trust/role.hpp"

using namespace troupe::trust;

TEST(role_test, viewer_may_only_read) {
  EXPECT_TRUE(may(role::viewer, permission::read));
  EXPECT_FALSE(may(role::viewer, permission::operate));
}

TEST(role_test, operator_node_and_open_may_read_and_operate) {
  for (auto r : {role::operator_, role::node, role::open}) {
    EXPECT_TRUE(may(r, permission::read)) << to_string(r);
    EXPECT_TRUE(may(r, permission::operate)) << to_string(r);
  }
}

TEST(role_test, only_node_and_open_are_members) {
  EXPECT_TRUE(is_member(role::node));
  EXPECT_TRUE(is_member(role::open));
  EXPECT_FALSE(is_member(role::viewer));
  EXPECT_FALSE(is_member(role::operator_));
}

TEST(role_test, parse_role_reads_what_to_string_writes) {
  for (auto r : {role::viewer, role::operator_, role::node}) {
    auto parsed = parse_role(to_string(r));
    ASSERT_TRUE(parsed) << to_string(r);
    EXPECT_EQ(*parsed, r);
  }
  EXPECT_EQ(to_string(role::operator_), "operator");
  EXPECT_EQ(to_string(role::open), "open");
}

TEST(role_test, parse_role_refuses_open_and_unknown_words) {
  // No credential may grant `open`: it is the role of every peer when
  // authentication is off, and only then.
  for (const char* text :
       {"open", "", "admin", "Viewer", "operator_", "node ", " viewer"})
    EXPECT_FALSE(parse_role(text)) << "'" << text << "'";
}
