#include "cluster/wire_types.hpp"

namespace troupe::cluster {


void register_wire_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<health_info>("troupe.health_info");
  cfg.add_message_type<actors::actor_entry>("troupe.actor_entry");
  cfg.add_message_type<std::vector<actors::actor_entry>>("std::vector<troupe.actor_entry>");
  cfg.add_message_type<actors::breaker_status>("troupe.breaker_status");
  cfg.add_message_type<campaign::campaign_status>("troupe.campaign_status");
  cfg.add_message_type<std::vector<campaign::campaign_status>>(
    "std::vector<troupe.campaign_status>");
  cfg.add_message_type<customers::import_kind>("troupe.import_kind");
  cfg.add_message_type<customers::record_kind>("troupe.record_kind");
  cfg.add_message_type<customers::import_chunk>("troupe.import_chunk");
  cfg.add_message_type<customers::import_error>("troupe.import_error");
  cfg.add_message_type<customers::import_result>("troupe.import_result");
  cfg.add_message_type<customers::record_page>("troupe.record_page");
  cfg.add_message_type<campaign::replay_result>("troupe.replay_result");
  cfg.add_message_type<customers::audit_report>("troupe.audit_report");
  cfg.add_message_type<campaign::arm_result>("troupe.arm_result");
  cfg.add_message_type<std::vector<campaign::arm_result>>("std::vector<troupe.arm_result>");
  cfg.add_message_type<campaign::report_group>("troupe.report_group");
  cfg.add_message_type<std::vector<campaign::report_group>>("std::vector<troupe.report_group>");
  cfg.add_message_type<campaign::campaign_report>("troupe.campaign_report");
  cfg.add_message_type<std::vector<actors::breaker_status>>(
    "std::vector<troupe.breaker_status>");
  cfg.add_message_type<member_info>("troupe.member_info");
  cfg.add_message_type<std::vector<uint64_t>>("std::vector<@u64>"); // a heartbeat's records
  cfg.add_message_type<sharding::change_kind>("troupe.change_kind");
  cfg.add_message_type<sharding::placement_change>("troupe.placement_change");
  cfg.add_message_type<node_row>("troupe.node_row");
  cfg.add_message_type<std::vector<node_row>>("std::vector<troupe.node_row>");
  cfg.add_message_type<shard_row>("troupe.shard_row");
  cfg.add_message_type<std::vector<shard_row>>("std::vector<troupe.shard_row>");
  cfg.add_message_type<customer_id>("troupe.customer_id");
  cfg.add_message_type<campaign_id>("troupe.campaign_id");
  cfg.add_message_type<node_id>("troupe.node_id");
  cfg.add_message_type<campaign_verb>("troupe.campaign_verb");
  cfg.add_message_type<campaign_command>("troupe.campaign_command");
  cfg.add_message_type<customer_snapshot>("troupe.customer_snapshot");
  cfg.add_message_type<storage::erased_records>("troupe.erased_records");
  cfg.add_message_type<storage::holdings_bytes>("troupe.holdings_bytes");
}

} // namespace troupe::cluster
