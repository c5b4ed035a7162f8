#include "runtime/api_json.hpp"

#include <cmath>

#include "campaign/report_statistics.hpp"

#include "campaign/lifecycle.hpp"
#include "storage/json_fields.hpp"

namespace troupe::runtime {

using json = nlohmann::json;

json health_json(const cluster::health_info& h) {
  return json{{"node_id", h.node_id},
              {"version", h.version},
              {"uptime_ms", h.uptime_ms},
              {"storage", h.storage_state},
              {"schema_version", h.schema_version},
              {"shards", h.shard_count},
              {"ready", h.ready},
              {"authentication", h.authentication},
              {"caller", h.caller},
              {"replication_factor", h.replication_factor},
              {"shards_under_replicated", h.under_replicated},
              {"shards_unavailable", h.unavailable},
              {"corpus_version", h.corpus_version}};
}

json actor_json(const actors::actor_entry& e) {
  return {{"name", e.path}, {"state", e.state}, {"restarts", e.restarts}, {"mailbox", e.mailbox}};
}

json breaker_json(const actors::breaker_status& b) {
  return {{"name", b.name},
          {"state", b.state},
          {"error_rate", b.error_rate},
          {"calls_in_window", b.calls_in_window},
          {"since_transition_ms", b.since_transition_ms},
          {"transitions", b.transitions}};
}

json node_json(const cluster::node_row& r) {
  return {{"node_id", r.id},
          {"address", r.address},
          {"state", r.state},
          {"shards", r.shards},
          {"replicas", r.replicas},
          {"customers", r.customers < 0 ? json(nullptr) : json(r.customers)},
          {"last_heartbeat_ms", r.last_heartbeat_ms < 0 ? json(nullptr) : json(r.last_heartbeat_ms)},
          {"leader", r.leader}};
}

json shard_json(const cluster::shard_row& r) {
  // Lag per replica, in the order of `replicas`; null where not known.
  json lag = json::array();
  for (auto l : r.lag)
    lag.push_back(l < 0 ? json(nullptr) : json(l));
  return {{"shard", r.shard},       {"epoch", r.epoch},     {"primary", r.primary},
          {"replicas", r.replicas}, {"in_sync", r.in_sync}, {"available", r.available},
          {"lag", lag}};
}

json node_part_json(const campaign::node_part_status& p) {
  return {{"node_id", p.node},
          {"state", p.state},
          {"processed", p.processed},
          {"total", p.total},
          {"delivered", p.delivered},
          {"blocked", p.blocked},
          {"failed", p.failed},
          {"held_out", p.held_out},
          {"stalled_shards", p.state == "unreachable" ? json(p.stalled_shards) : json(nullptr)},
          {"error", p.state == "error" ? json(p.error) : json(nullptr)}};
}

json campaign_status_json(const campaign::campaign_status& s, bool by_node) {
  json j{{"campaign_id", s.id},
              {"name", s.name},
              {"state", campaign::to_string(s.state)},
              {"total", s.total},
              {"processed", s.processed},
              {"in_segment", s.in_segment},
              {"delivered", s.delivered},
              {"blocked", s.blocked},
              {"skipped", s.skipped},
              {"failed", s.failed},
              {"held_out", s.held_out},
              {"kind", s.triggered ? "triggered" : "batch"},
              {"pending", s.pending},
              {"triggered", s.triggered ? json(s.entered) : json(nullptr)},
              {"cancelled", s.triggered ? json(s.cancelled) : json(nullptr)},
              {"frequency_capped", s.triggered ? json(s.capped) : json(nullptr)},
              {"held", s.triggered ? json(s.held) : json(nullptr)},
              {"rate_per_min", s.rate_per_min},
              {"reason", s.reason}};
  storage::json_fields::put_time(j, "started_at", s.started_at_ms);
  storage::json_fields::put_time(j, "finished_at", s.finished_at_ms);
  // The sample-ratio check of the arms' audiences (null until every arm
  // has enough customers to test).
  auto arms = json::array();
  std::vector<uint64_t> audiences;
  for (std::size_t i = 0; i < s.arm_names.size(); ++i) {
    auto n = i < s.arm_audience.size() ? s.arm_audience[i] : 0;
    audiences.push_back(n);
    arms.push_back({{"name", s.arm_names[i]},
                    {"weight", i < s.arm_weights.size() ? s.arm_weights[i] : 0.0},
                    {"audience", n}});
  }
  // A triggered campaign counts entries, and a customer's entries share an
  // arm: the check's model (independent assignments) does not hold there.
  auto srm = s.triggered ? std::nan("") : campaign::srm_p_value(audiences, s.arm_weights);
  j["arms"] = std::move(arms);
  j["srm_p_value"] = std::isfinite(srm) ? json(srm) : json(nullptr);
  j["srm_mismatch"] = srm < campaign::srm_threshold;
  if (by_node) {
    auto nodes = json::array();
    for (const auto& p : s.by_node)
      nodes.push_back(node_part_json(p));
    j["nodes"] = std::move(nodes);
  }
  return j;
}

} // namespace troupe::runtime
