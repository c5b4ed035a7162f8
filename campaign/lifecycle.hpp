#pragma once
/// The lifecycle of a campaign, apart from any actor: its states, the
/// commands that move it, and the one function that decides.
///
///            start             pause
///   CREATED -------> RUNNING --------> PAUSED
///      |              |  ^   resume      |
///      |              |  +---------------+
///      |              |  ^
///      |              |  | reopen (shards handed to this node have work left)
///      |              |  |
///      |              +--+--complete--> COMPLETED
///      |              |
///      +--- cancel ---+---- cancel ----> CANCELLED   (also from PAUSED)
///      |              |
///      +---- fail ----+----- fail -----> FAILED      (also from PAUSED, and
///                                                     from CANCELLED when its
///                                                     last write fails)
///
/// COMPLETED, CANCELLED and FAILED are final: the runner quits. `reopen`
/// also leaves RUNNING as it is (a running campaign without a runner here
/// gets one). Everything else is refused with `campaign_errc::refused`,
/// naming the state and the command.
///
/// The persisted state (v1::CampaignStateKind) maps to campaign_state here
/// and nowhere else. Plain functions, no state: usable from any thread.

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "troupe.pb.h"

namespace troupe::campaign {

/// The values are those of the troupe_campaign_state gauge (and the proto).
enum class campaign_state : uint8_t {
  created = 1,
  running = 2,
  paused = 3,
  completed = 4,
  cancelled = 5,
  failed = 6,
};

enum class campaign_command : uint8_t {
  start,    ///< created -> running
  pause,    ///< running -> paused
  resume,   ///< paused -> running
  cancel,   ///< created, running, paused -> cancelled
  complete, ///< running -> completed (every shard done)
  fail,     ///< created, running, paused, cancelled -> failed
  reopen,   ///< running, completed -> running (work arrived with a handoff)
};

/// Every state and every command, in declaration order (for tests and loops).
inline constexpr campaign_state all_states[] = {
  campaign_state::created,   campaign_state::running,   campaign_state::paused,
  campaign_state::completed, campaign_state::cancelled, campaign_state::failed};
inline constexpr campaign_command all_commands[] = {
  campaign_command::start,    campaign_command::pause, campaign_command::resume,
  campaign_command::cancel,   campaign_command::complete, campaign_command::fail,
  campaign_command::reopen};

/// The state after `command` in `state`, or `campaign_errc::refused`:
/// "campaign ID is STATE: cannot COMMAND" (`campaign` "" leaves the id out).
result<campaign_state> apply(campaign_state state, campaign_command command,
                             std::string_view campaign = {});

/// True for completed, cancelled and failed: nothing more happens.
bool is_final(campaign_state s);

/// "created", "running", ... (the shell's JSON and display).
std::string to_string(campaign_state s);
std::string to_string(campaign_command c);
/// The inverse of to_string; nullopt for any other text.
std::optional<campaign_state> parse_campaign_state(std::string_view text);
std::ostream& operator<<(std::ostream& out, campaign_state s);

/// The persisted state. CAMPAIGN_STATE_UNSPECIFIED (a record without one)
/// reads as created.
campaign_state from_proto(v1::CampaignStateKind k);
v1::CampaignStateKind to_proto(campaign_state s);
inline campaign_state state_of(const v1::CampaignState& c) { return from_proto(c.state()); }

} // namespace troupe::campaign
