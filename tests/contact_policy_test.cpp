// Contact policy (contact_policy/): time zones from the system's database,
// quiet hours across midnight and clock changes, the holdout's stable hash,
// and the frequency cap's reservations.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <ctime>
#include <set>
#include <string>
#include <thread>

#include "contact_policy/contact_book.hpp"
#include "contact_policy/holdout.hpp"
#include "contact_policy/quiet_hours.hpp"
#include "contact_policy/time_zone.hpp"

namespace troupe {
namespace {

using contact_policy::quiet_hours;
using contact_policy::time_zone;

/// Unix ms of a UTC wall-clock time (glibc's timegm, independent of the
/// date library under test).
int64_t utc_ms(int y, int mo, int d, int h, int mi) {
  std::tm t{};
  t.tm_year = y - 1900;
  t.tm_mon = mo - 1;
  t.tm_mday = d;
  t.tm_hour = h;
  t.tm_min = mi;
  return static_cast<int64_t>(timegm(&t)) * 1000;
}

int64_t day_of(int y, int mo, int d) { return utc_ms(y, mo, d, 0, 0) / 86'400'000; }

time_zone zone(const char* name) {
  auto z = time_zone::find(name);
  EXPECT_TRUE(z.ok()) << name;
  return z.ok() ? *z : time_zone{};
}

TEST(contact_policy_test, zones_are_iana_names_and_an_unknown_one_is_named) {
  EXPECT_EQ(zone("Europe/Paris").name(), "Europe/Paris");
  EXPECT_EQ(zone("").name(), "UTC");
  auto bad = time_zone::find("Mars/Olympus_Mons");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.err().message().find("'Mars/Olympus_Mons'"), std::string::npos)
    << bad.err().message();
}

TEST(contact_policy_test, one_instant_is_a_different_day_and_clock_in_each_zone) {
  auto t = utc_ms(2026, 6, 30, 23, 30); // summer: Paris +2, New York -4
  EXPECT_EQ(zone("UTC").local_day(t), day_of(2026, 6, 30));
  EXPECT_EQ(zone("Europe/Paris").local_day(t), day_of(2026, 7, 1));
  EXPECT_EQ(zone("America/New_York").local_day(t), day_of(2026, 6, 30));
  EXPECT_EQ(zone("UTC").minute_of_day(t), 23 * 60 + 30);
  EXPECT_EQ(zone("Europe/Paris").minute_of_day(t), 1 * 60 + 30);
  EXPECT_EQ(zone("America/New_York").minute_of_day(t), 19 * 60 + 30);
  // Winter: Paris +1, New York -5.
  auto w = utc_ms(2026, 1, 15, 4, 30);
  EXPECT_EQ(zone("Europe/Paris").minute_of_day(w), 5 * 60 + 30);
  EXPECT_EQ(zone("America/New_York").local_day(w), day_of(2026, 1, 14));
  EXPECT_EQ(zone("America/New_York").minute_of_day(w), 23 * 60 + 30);
  // Before 1970 too.
  EXPECT_EQ(zone("UTC").local_day(-1), -1);
  EXPECT_EQ(zone("UTC").minute_of_day(-60'000), 23 * 60 + 59);
}

TEST(contact_policy_test, the_next_local_minute_steps_over_clock_changes) {
  auto paris = zone("Europe/Paris");
  // 2026-03-29 in Paris: 02:00 local jumps to 03:00 (01:00 UTC).
  auto before = utc_ms(2026, 3, 29, 0, 30); // 01:30 local
  EXPECT_EQ(paris.next_local_minute(before, 8 * 60), utc_ms(2026, 3, 29, 6, 0)); // 08:00 +2
  EXPECT_EQ(paris.next_local_minute(before, 2 * 60 + 30), utc_ms(2026, 3, 29, 1, 0))
    << "02:30 does not exist that day: the instant the clock jumps";
  EXPECT_EQ(paris.next_local_minute(before, 1 * 60 + 30), before) << "now is such an instant";
  EXPECT_EQ(paris.next_local_minute(before + 1, 1 * 60 + 30), utc_ms(2026, 3, 29, 23, 30));
  // 2026-10-25: 03:00 local goes back to 02:00; 02:30 happens twice, the first counts.
  auto autumn = utc_ms(2026, 10, 24, 22, 0); // 00:00 local, +2
  EXPECT_EQ(paris.next_local_minute(autumn, 2 * 60 + 30), utc_ms(2026, 10, 25, 0, 30));
  // ...unless it has passed: inside the repeated hour (02:10 the second
  // time, 01:10 UTC), the second 02:30 is 20 minutes on, not a day.
  EXPECT_EQ(paris.next_local_minute(utc_ms(2026, 10, 25, 1, 10), 2 * 60 + 30),
            utc_ms(2026, 10, 25, 1, 30));
}

TEST(contact_policy_test, quiet_hours_are_a_clock_window_named_when_refused) {
  auto none = quiet_hours::parse("");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto q = quiet_hours::parse("22:00-08:00");
  ASSERT_TRUE(q.ok() && q->has_value());
  EXPECT_EQ((*q)->text(), "22:00-08:00");
  for (const char* bad : {"22-08", "22:00", "25:00-08:00", "22:00-08:60", "08:00-08:00",
                          "2200-0800", "22:00-8:00", " 22:00-08:00"}) {
    auto r = quiet_hours::parse(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.err().message().find(std::string{"'"} + bad + "'"), std::string::npos)
      << r.err().message();
  }
}

TEST(contact_policy_test, a_send_in_quiet_hours_is_released_when_they_end_in_its_zone) {
  auto q = **quiet_hours::parse("22:00-08:00");
  auto paris = zone("Europe/Paris");
  auto ny = zone("America/New_York");
  auto t = utc_ms(2026, 7, 1, 21, 30); // 23:30 in Paris, 17:30 in New York
  EXPECT_TRUE(q.contains(paris, t));
  EXPECT_EQ(q.release_at(paris, t), utc_ms(2026, 7, 2, 6, 0)); // 08:00 Paris
  EXPECT_FALSE(q.contains(ny, t));
  EXPECT_EQ(q.release_at(ny, t), t);
  auto early = utc_ms(2026, 7, 2, 5, 59); // 07:59 in Paris: still quiet, released in a minute
  EXPECT_EQ(q.release_at(paris, early), utc_ms(2026, 7, 2, 6, 0));
  EXPECT_EQ(q.release_at(paris, utc_ms(2026, 7, 2, 6, 0)), utc_ms(2026, 7, 2, 6, 0));
  // A window within one day.
  auto lunch = **quiet_hours::parse("12:00-14:00");
  EXPECT_TRUE(lunch.contains(zone("UTC"), utc_ms(2026, 7, 2, 13, 0)));
  EXPECT_FALSE(lunch.contains(zone("UTC"), utc_ms(2026, 7, 2, 14, 0)));
  EXPECT_EQ(lunch.release_at(zone("UTC"), utc_ms(2026, 7, 2, 13, 0)), utc_ms(2026, 7, 2, 14, 0));
}

/// FNV-1a 64 as its definition gives it, written apart from the module.
uint32_t reference_rank(const std::string& id) {
  std::string input = std::string{"troupe.holdout"} + '\0' + id;
  unsigned long long h = 0xcbf29ce484222325ull;
  for (unsigned char c : input)
    h = (h ^ c) * 0x100000001b3ull;
  return static_cast<uint32_t>((h >> 32) % 10000);
}

TEST(contact_policy_test, the_holdout_is_a_stable_share_within_binomial_bounds) {
  using contact_policy::held_out;
  for (const char* id : {"c-000001", "c-424242", "alice", ""})
    EXPECT_EQ(contact_policy::holdout_rank(id), reference_rank(id)) << id;
  const int n = 100'000;
  for (uint32_t bp : {500u, 1000u, 5000u}) {
    int in = 0;
    for (int i = 0; i < n; ++i)
      in += held_out("c-" + std::to_string(i), bp) ? 1 : 0;
    double p = bp / 10000.0;
    double sd = std::sqrt(n * p * (1 - p));
    EXPECT_LT(std::fabs(in - n * p), 5 * sd) << "share " << bp << " bp: " << in << " of " << n;
  }
  for (int i = 0; i < 1000; ++i) {
    auto id = "c-" + std::to_string(i);
    if (held_out(id, 500)) {
      EXPECT_TRUE(held_out(id, 1000)) << id << ": a larger share keeps the smaller one's";
    }
    EXPECT_FALSE(held_out(id, 0));
    EXPECT_TRUE(held_out(id, 10000));
  }
}

TEST(contact_policy_test, a_cap_counts_what_is_stored_and_what_is_on_its_way) {
  contact_policy::contact_book book;
  contact_policy::contact c{"c1", "webhook", 20'000};
  using contact_policy::cap_decision;
  using contact_policy::decide_cap;
  auto lock = book.lock();
  EXPECT_EQ(decide_cap(2, 1, book.reserved(c)), cap_decision::allow);
  book.reserve(c);
  EXPECT_EQ(decide_cap(2, 1, book.reserved(c)), cap_decision::wait)
    << "the contact on its way may still fail: not capped yet";
  EXPECT_EQ(decide_cap(2, 2, 0), cap_decision::capped);
  EXPECT_EQ(decide_cap(2, 3, 1), cap_decision::capped);
  EXPECT_EQ(book.reserved({"c1", "webhook", 20'001}), 0u) << "another day";
  EXPECT_EQ(book.reserved({"c1", "store", 20'000}), 0u) << "another channel";
  book.release(c);
  book.release(c); // once too often: nothing below zero
  EXPECT_EQ(book.reserved(c), 0u);
  EXPECT_EQ(book.size(), 0u);
  EXPECT_EQ(decide_cap(0, 1000, 1000), cap_decision::allow) << "0: no cap";
}

TEST(contact_policy_claims, a_pair_is_counted_by_one_writer_at_a_time) {
  contact_policy::contact_book book;
  std::set<contact_policy::contact_book::counted> a{{"c1", "store"}, {"c2", "store"}};
  std::set<contact_policy::contact_book::counted> b{{"c2", "store"}};
  book.claim(a);
  std::atomic<bool> b_has_it{false};
  std::thread other{[&] {
    book.claim(b);
    b_has_it = true;
    book.unclaim(b);
  }};
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(b_has_it) << "c2 is being counted by the first writer";
  book.unclaim(a);
  other.join();
  EXPECT_TRUE(b_has_it);
}

} // namespace
} // namespace troupe
