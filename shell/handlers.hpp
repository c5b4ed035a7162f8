#pragma once
/// The functions the command table (shell/command_table.cpp) runs, one per
/// entry, grouped by the file that holds them. Each gets its operands and
/// options already checked against its entry's usage.

#include "shell/command_table.hpp"

namespace troupe::shell {

// shell/commands.cpp
int run_help(command_context& ctx);

// shell/cluster_commands.cpp: the node and the cluster's members.
int run_health(command_context& ctx);
int run_version(command_context& ctx);
int run_actors(command_context& ctx);
int run_breakers(command_context& ctx);
int run_nodes(command_context& ctx);
int run_shards(command_context& ctx);
int run_node_drain(command_context& ctx);
int run_shard_promote(command_context& ctx);

// shell/data_commands.cpp: imports, events, segments.
int run_import_customers(command_context& ctx);
int run_import_corpus(command_context& ctx);
int run_event_ingest(command_context& ctx);
int run_segment_count(command_context& ctx);

// shell/customer_commands.cpp: one customer.
int run_customer_get(command_context& ctx);
int run_customer_export(command_context& ctx);
int run_customer_delete(command_context& ctx);

// shell/campaign_commands.cpp
/// create, start, pause, resume, cancel, status: one call that answers the
/// campaign's status, which is printed (status --watch follows it).
int run_campaign_lifecycle(command_context& ctx);
int run_campaign_list(command_context& ctx);
int run_campaign_export(command_context& ctx);
int run_campaign_report(command_context& ctx);

// shell/audit_commands.cpp: the audit chain and dead letters.
int run_audit_verify(command_context& ctx);
int run_deadletters_list(command_context& ctx);
int run_deadletters_replay(command_context& ctx);

} // namespace troupe::shell
