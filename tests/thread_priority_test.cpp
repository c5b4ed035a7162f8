// common/thread_priority: a thread niced alone (the others keep theirs),
// out-of-range values refused naming the value.

#include <thread>

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/thread_priority.hpp"

using namespace troupe;

namespace {
int nice_of_this_thread() {
  return ::getpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)));
}
} // namespace

TEST(thread_priority_test, nices_the_calling_thread_only) {
  int before = nice_of_this_thread();
  int inside = -100;
  std::thread t([&] {
    auto s = set_thread_nice(before + 3 > 19 ? 19 : before + 3);
    EXPECT_TRUE(s) << (s ? "" : s.err().message());
    inside = nice_of_this_thread();
  });
  t.join();
  EXPECT_EQ(inside, before + 3 > 19 ? 19 : before + 3);
  EXPECT_EQ(nice_of_this_thread(), before) << "the caller's other threads keep theirs";
}

TEST(thread_priority_test, zero_leaves_the_thread_and_out_of_range_is_refused) {
  int before = nice_of_this_thread();
  EXPECT_TRUE(set_thread_nice(0));
  EXPECT_EQ(nice_of_this_thread(), before);
  auto s = set_thread_nice(25);
  ASSERT_FALSE(s);
  EXPECT_NE(s.err().message().find("25"), std::string::npos) << s.err().message();
  EXPECT_FALSE(set_thread_nice(-1));
}
