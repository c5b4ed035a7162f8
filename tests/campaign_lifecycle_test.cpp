// campaign/lifecycle: every state x command, exhaustively.

#include <map>
#include <sstream>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "campaign/campaign_error.hpp"
#include "campaign/lifecycle.hpp"

using namespace troupe;
using namespace troupe::campaign;

namespace {

using S = campaign_state;
using C = campaign_command;

/// The allowed transitions, written out from the diagram (a state, then
/// each command it accepts and where that leads); everything else is
/// refused.
const std::map<std::pair<S, C>, S>& allowed() {
  static const std::map<std::pair<S, C>, S> table = [] {
    const std::pair<S, std::vector<std::pair<C, S>>> diagram[] = {
      {S::created, {{C::start, S::running}, {C::cancel, S::cancelled}, {C::fail, S::failed}}},
      {S::running,
       {{C::pause, S::paused}, {C::cancel, S::cancelled}, {C::complete, S::completed},
        {C::fail, S::failed}, {C::reopen, S::running}}},
      {S::paused, {{C::resume, S::running}, {C::cancel, S::cancelled}, {C::fail, S::failed}}},
      {S::completed, {{C::reopen, S::running}}},
      {S::cancelled, {{C::fail, S::failed}}},
    };
    std::map<std::pair<S, C>, S> out;
    for (const auto& [from, edges] : diagram)
      for (const auto& [command, to] : edges)
        out.emplace(std::make_pair(from, command), to);
    return out;
  }();
  return table;
}

TEST(campaign_lifecycle, every_state_and_command) {
  int checked = 0;
  for (auto s : all_states)
    for (auto c : all_commands) {
      ++checked;
      auto next = apply(s, c, "spring");
      auto it = allowed().find({s, c});
      if (it != allowed().end()) {
        ASSERT_TRUE(next) << to_string(s) << " x " << to_string(c) << ": "
                          << next.err().message();
        EXPECT_EQ(*next, it->second) << to_string(s) << " x " << to_string(c);
      } else {
        ASSERT_FALSE(next) << to_string(s) << " x " << to_string(c) << " -> "
                           << to_string(*next);
        EXPECT_TRUE(next.err().is(campaign_errc::refused));
        EXPECT_FALSE(next.err().retryable());
        EXPECT_EQ(next.err().message(),
                  "campaign spring is " + to_string(s) + ": cannot " + to_string(c));
      }
    }
  EXPECT_EQ(checked, 6 * 7);
}

TEST(campaign_lifecycle, a_refusal_without_an_id) {
  auto next = apply(S::completed, C::pause);
  ASSERT_FALSE(next);
  EXPECT_EQ(next.err().message(), "campaign is completed: cannot pause");
}

TEST(campaign_lifecycle, final_states_accept_nothing_but_the_listed_exceptions) {
  for (auto s : all_states) {
    bool final_state = s == S::completed || s == S::cancelled || s == S::failed;
    EXPECT_EQ(is_final(s), final_state) << to_string(s);
    if (!is_final(s))
      continue;
    for (auto c : all_commands) {
      auto next = apply(s, c);
      bool exception = (s == S::completed && c == C::reopen) || (s == S::cancelled && c == C::fail);
      EXPECT_EQ(next.ok(), exception) << to_string(s) << " x " << to_string(c);
    }
  }
}

TEST(campaign_lifecycle, names_parse_back_and_print) {
  const char* names[] = {"created", "running", "paused", "completed", "cancelled", "failed"};
  int i = 0;
  for (auto s : all_states) {
    EXPECT_EQ(to_string(s), names[i++]);
    EXPECT_EQ(parse_campaign_state(to_string(s)), s);
    std::ostringstream out;
    out << s;
    EXPECT_EQ(out.str(), to_string(s));
  }
  EXPECT_EQ(parse_campaign_state("done"), std::nullopt);
  EXPECT_EQ(parse_campaign_state(""), std::nullopt);
}

TEST(campaign_lifecycle, maps_to_the_persisted_state_and_the_gauge) {
  for (auto s : all_states) {
    EXPECT_EQ(from_proto(to_proto(s)), s);
    // The proto's numbers: 1 created ... 6 failed.
    EXPECT_EQ(static_cast<int>(to_proto(s)), static_cast<int>(s));
  }
  EXPECT_EQ(to_proto(S::paused), v1::CAMPAIGN_PAUSED);
  EXPECT_EQ(from_proto(v1::CAMPAIGN_STATE_UNSPECIFIED), S::created);
  v1::CampaignState c;
  c.set_state(v1::CAMPAIGN_FAILED);
  EXPECT_EQ(state_of(c), S::failed);
}

} // namespace
