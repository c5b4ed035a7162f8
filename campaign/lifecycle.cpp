#include "campaign/lifecycle.hpp"

#include <ostream>

#include "campaign/campaign_error.hpp"

namespace troupe::campaign {

namespace {

using S = campaign_state;
using C = campaign_command;

/// The transition table; nullopt: refused.
std::optional<campaign_state> next(campaign_state s, campaign_command c) {
  switch (c) {
    case C::start:
      return s == S::created ? std::optional{S::running} : std::nullopt;
    case C::pause:
      return s == S::running ? std::optional{S::paused} : std::nullopt;
    case C::resume:
      return s == S::paused ? std::optional{S::running} : std::nullopt;
    case C::cancel:
      return is_final(s) ? std::nullopt : std::optional{S::cancelled};
    case C::complete:
      return s == S::running ? std::optional{S::completed} : std::nullopt;
    case C::fail:
      return s == S::completed || s == S::failed ? std::nullopt : std::optional{S::failed};
    case C::reopen:
      return s == S::running || s == S::completed ? std::optional{S::running} : std::nullopt;
  }
  return std::nullopt;
}

} // namespace

result<campaign_state> apply(campaign_state state, campaign_command command,
                             std::string_view campaign) {
  if (auto to = next(state, command))
    return *to;
  std::string who = campaign.empty() ? "campaign" : "campaign " + std::string{campaign};
  return make_error(campaign_errc::refused,
                    who + " is " + to_string(state) + ": cannot " + to_string(command));
}

bool is_final(campaign_state s) {
  return s == S::completed || s == S::cancelled || s == S::failed;
}

std::string to_string(campaign_state s) {
  switch (s) {
    case S::created: return "created";
    case S::running: return "running";
    case S::paused: return "paused";
    case S::completed: return "completed";
    case S::cancelled: return "cancelled";
    case S::failed: return "failed";
  }
  return "unknown";
}

std::string to_string(campaign_command c) {
  switch (c) {
    case C::start: return "start";
    case C::pause: return "pause";
    case C::resume: return "resume";
    case C::cancel: return "cancel";
    case C::complete: return "complete";
    case C::fail: return "fail";
    case C::reopen: return "reopen";
  }
  return "unknown";
}

std::optional<campaign_state> parse_campaign_state(std::string_view text) {
  for (auto s : all_states)
    if (to_string(s) == text)
      return s;
  return std::nullopt;
}

std::ostream& operator<<(std::ostream& out, campaign_state s) { return out << to_string(s); }

campaign_state from_proto(v1::CampaignStateKind k) {
  switch (k) {
    case v1::CAMPAIGN_RUNNING: return S::running;
    case v1::CAMPAIGN_PAUSED: return S::paused;
    case v1::CAMPAIGN_COMPLETED: return S::completed;
    case v1::CAMPAIGN_CANCELLED: return S::cancelled;
    case v1::CAMPAIGN_FAILED: return S::failed;
    default: return S::created; // CAMPAIGN_CREATED, or a record without a state
  }
}

v1::CampaignStateKind to_proto(campaign_state s) {
  switch (s) {
    case S::created: return v1::CAMPAIGN_CREATED;
    case S::running: return v1::CAMPAIGN_RUNNING;
    case S::paused: return v1::CAMPAIGN_PAUSED;
    case S::completed: return v1::CAMPAIGN_COMPLETED;
    case S::cancelled: return v1::CAMPAIGN_CANCELLED;
    case S::failed: return v1::CAMPAIGN_FAILED;
  }
  return v1::CAMPAIGN_STATE_UNSPECIFIED;
}

} // namespace troupe::campaign
