#pragma once
/// A campaign's status over a cluster's members, from each member's answer:
/// the counters summed, one state for the whole, a line per member. Pure
/// function over plain data.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "campaign/status.hpp"

namespace troupe::campaign {

/// One member's answer: its status, or the error it answered with.
struct member_status {
  std::string node;
  std::optional<campaign_status> status;
  std::string error; ///< when there is no status
};

/// One state for the whole: the one all members agree on; else the one
/// that still has work (failed first: the operator must act; then running,
/// paused, created), else the worst ending (cancelled, then completed).
/// `stalled`: some members could not be asked, so a campaign completed
/// everywhere else is still running. Empty `states`: created.
campaign_state combined_state(const std::set<campaign_state>& states, bool stalled);

/// The members' statuses as one. `unreachable`: the members that could not
/// be asked, with the shards they hold; `stalled_reason` says so in words
/// (it joins the reason). A finished campaign's total is what was
/// processed (shards moved mid-run were counted where they started).
campaign_status aggregate_status(const std::vector<member_status>& members,
                                 const std::map<std::string, std::vector<uint32_t>>& unreachable,
                                 const std::string& stalled_reason);

} // namespace troupe::campaign
