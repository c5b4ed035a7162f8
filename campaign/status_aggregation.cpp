#include "campaign/status_aggregation.hpp"

#include <algorithm>

namespace troupe::campaign {

std::string by_node_line(const node_part_status& p) {
  if (p.state == "error")
    return p.node + "  error: " + p.error;
  if (p.state == "unreachable")
    return p.node + "  unreachable  " + std::to_string(p.stalled_shards) + " shards stalled";
  return p.node + "  " + p.state + "  processed " + std::to_string(p.processed) + " / "
         + std::to_string(p.total) + "  delivered " + std::to_string(p.delivered) + "  blocked "
         + std::to_string(p.blocked) + "  failed " + std::to_string(p.failed)
         + (p.held_out > 0 ? "  held out " + std::to_string(p.held_out) : "");
}

campaign_state combined_state(const std::set<campaign_state>& states, bool stalled) {
  using S = campaign_state;
  auto state = S::created;
  if (states.size() == 1) {
    state = *states.begin();
  } else {
    for (auto candidate : {S::failed, S::running, S::paused, S::created, S::cancelled,
                           S::completed})
      if (states.count(candidate) > 0) {
        state = candidate;
        break;
      }
  }
  if (stalled && state == S::completed)
    state = S::running;
  return state;
}

campaign_status aggregate_status(const std::vector<member_status>& members,
                                 const std::map<std::string, std::vector<uint32_t>>& unreachable,
                                 const std::string& stalled_reason) {
  campaign_status out;
  std::set<campaign_state> states;
  for (auto& m : members) {
    if (!m.status) {
      node_part_status part;
      part.node = m.node;
      part.state = "error";
      part.error = m.error;
      out.by_node.push_back(std::move(part));
      continue;
    }
    auto& s = *m.status;
    out.id = s.id;
    out.name = s.name;
    states.insert(s.state);
    out.counters() += s.counters();
    out.total += s.total;
    out.pending += s.pending;
    out.triggered = out.triggered || s.triggered;
    if (out.arm_names.empty()) {
      out.arm_names = s.arm_names;
      out.arm_weights = s.arm_weights;
    }
    out.rate_per_min += s.rate_per_min;
    if (s.started_at_ms != 0 && (out.started_at_ms == 0 || s.started_at_ms < out.started_at_ms))
      out.started_at_ms = s.started_at_ms;
    out.finished_at_ms = std::max(out.finished_at_ms, s.finished_at_ms);
    if (!s.reason.empty())
      out.reason += (out.reason.empty() ? "" : "; ") + m.node + ": " + s.reason;
    node_part_status part;
    part.node = m.node;
    part.state = to_string(s.state);
    part.processed = s.processed;
    part.total = s.total;
    part.delivered = s.delivered;
    part.blocked = s.blocked;
    part.failed = s.failed;
    part.held_out = s.held_out;
    out.by_node.push_back(std::move(part));
  }
  out.state = combined_state(states, !unreachable.empty());
  if (!unreachable.empty()) {
    out.reason += (out.reason.empty() ? "stalled: " : "; stalled: ") + stalled_reason;
    for (auto& [node, shards] : unreachable)
    {
      node_part_status part;
      part.node = node;
      part.state = "unreachable";
      part.stalled_shards = static_cast<uint32_t>(shards.size());
      out.by_node.push_back(std::move(part));
    }
  }
  if (out.state != campaign_state::completed)
    out.finished_at_ms = 0;
  else
    out.total = out.processed;
  return out;
}

} // namespace troupe::campaign
