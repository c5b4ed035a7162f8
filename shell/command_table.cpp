#include "shell/command_table.hpp"

#include "shell/handlers.hpp"

namespace troupe::shell {

const std::vector<command_entry>& command_table() {
  static const std::vector<command_entry> table{
    {"health", "", {}, {},
     "node id, uptime, storage state, schema, shards, readiness", "",
     reach::node, run_health},
    {"version", "", {}, {}, "this shell's version and the node's", "", reach::node,
     run_version},
    {"actors", "", {}, {}, "the supervision tree: state, restarts, mailbox depth", "",
     reach::node, run_actors},
    {"breakers", "", {}, {},
     "every circuit breaker: state, error rate, last change", "",
     reach::node, run_breakers},
    {"nodes", "", {}, {},
     "the cluster's members, the same view from any member",
     "Id, address, state, shards (it is the primary of), replicas, customers, last\n"
     "heartbeat; * marks the leader, customers are RocksDB's estimate. A member\n"
     "the shard map names that is not live is listed as down.",
     reach::node, run_nodes},
    {"shards", "", {}, {},
     "where each shard's copies are: epoch, primary, replicas, in sync",
     "One line per shard. A replica marked * is in sync (it may be promoted);\n"
     "an unavailable shard's primary is not a live member.",
     reach::node, run_shards},
    {"node", "drain", {"ID"}, {}, "hand member ID's shards to the others; it then exits", "",
     reach::node, run_node_drain},
    {"shard", "promote", {"SHARD", "NODE"}, {"--force"},
     "make NODE the primary of a shard whose primary is lost",
     "For a shard left unavailable: its primary is lost and no replica is in sync.\n"
     "NODE's copy, whatever it holds, becomes the shard (writes it lacks are lost;\n"
     "with no copy the shard starts empty there), at a new epoch; its other\n"
     "replicas are copied anew. Refused while the primary is live. Needs --force.",
     reach::node, run_shard_promote},
    {"customer", "get", {"ID"}, {},
     "one customer's record (JSON), from its owner",
     "An unknown id fails (exit 1).", reach::node, run_customer_get},
    {"customer", "export", {"ID", "[FILE]"}, {},
     "everything held about a customer (to FILE if given)",
     "Its record, deliveries, dead letters and events, from the member that owns\n"
     "its shard. Nothing held fails (exit 1). FILE is readable by its owner only.",
     reach::node, run_customer_export},
    {"customer", "delete", {"ID"}, {}, "erase a customer everywhere (GDPR)",
     "Its record, deliveries, dead letters and events, on every member; prints\n"
     "what went, per member. Audit records that name the customer stay (the audit\n"
     "chain cannot lose records). A member that cannot be reached makes it fail:\n"
     "run it again once the member is back.",
     reach::node, run_customer_delete},
    {"import", "customers", {"FILE"}, {},
     "import customers (JSON Lines); bad lines by number",
     "Streamed in chunks; the rest of the file is imported, re-import upserts.",
     reach::node, run_import_customers},
    {"import", "corpus", {"FILE"}, {}, "import content documents (JSON Lines)",
     "The file becomes one corpus version: campaigns started from then on use it.",
     reach::node, run_import_corpus},
    {"event", "ingest", {"FILE"}, {}, "conversions, opens, clicks (JSON Lines)",
     "A repeated event is stored once (a duplicate); events for customers the\n"
     "campaign never delivered to are kept, not counted in the report.",
     reach::node, run_event_ingest},
    {"segment", "count", {"'PREDICATE'"}, {}, "how many customers the predicate selects",
     "Quote the predicate, e.g. segment count 'region = \"CA\" AND age > 30'.",
     reach::node, run_segment_count},
    {"campaign", "create", {"FILE"}, {}, "validate and store a campaign (JSON spec)", "",
     reach::node, run_campaign_lifecycle},
    {"campaign", "start", {"ID"}, {}, "start a created campaign", "",
     reach::node, run_campaign_lifecycle},
    {"campaign", "pause", {"ID"}, {}, "pause a running campaign", "", reach::node,
     run_campaign_lifecycle},
    {"campaign", "resume", {"ID"}, {}, "resume a paused campaign", "", reach::node,
     run_campaign_lifecycle},
    {"campaign", "cancel", {"ID"}, {}, "cancel a campaign for good", "", reach::node,
     run_campaign_lifecycle},
    {"campaign", "status", {"ID"}, {"--watch", "--by-node"},
     "progress and counts over every node",
     "--watch follows it until it ends or pauses; --by-node adds a line per node.",
     reach::node, run_campaign_lifecycle},
    {"campaign", "list", {}, {}, "every campaign of the node", "", reach::node,
     run_campaign_list},
    {"campaign", "export", {"ID", "FILE"}, {}, "the campaign's deliveries as JSON Lines",
     "FILE is readable by its owner only; - writes them to stdout (the count to stderr).",
     reach::node, run_campaign_export},
    {"campaign", "report", {"ID"},
     {"--by FIELD", "--cuped FIELD", "--sequential", "--bayesian", "--prior-sd X"},
     "experiment result per arm: rate, lift, z, p, 95% CI",
     "Per arm: audience, delivered, blocked, conversions in the attribution\n"
     "window, rate, revenue; against the control lift, z (pooled two-proportion\n"
     "z test), p and the 95% interval of the difference; then each arm against\n"
     "the control, the holdout arms and the global holdout, conversion and\n"
     "revenue by Welch t test; a sample-ratio check of the audiences.\n"
     "--by FIELD repeats it per value of a customer field (region, device, ...).\n"
     "--cuped FIELD adjusts by a number field from before the campaign (CUPED).\n"
     "--sequential adds confidence sequences and always-valid p-values (valid\n"
     "when read every day). --bayesian adds the chance to beat the baseline,\n"
     "the expected loss and a credible interval of the relative lift, with a\n"
     "flat prior or, with --prior-sd X, a Gaussian N(0, X^2) one.",
     reach::node, run_campaign_report},
    {"deadletters", "list", {"CAMPAIGN"}, {},
     "customers that failed, with stage and reason", "", reach::node, run_deadletters_list},
    {"deadletters", "replay", {"CAMPAIGN"}, {}, "run them through the pipeline once more",
     "Not while the campaign runs.", reach::node, run_deadletters_replay},
    {"audit", "verify", {}, {}, "check the hash chain of the audit log",
     "Names the first broken record and fails (exit 1) when the chain is broken.",
     reach::node, run_audit_verify},
    {"help", "", {"[COMMAND]", "[SUBCOMMAND]"}, {},
     "this text; with a command, its usage and more", "", reach::local, run_help},
  };
  return table;
}

std::string usage_line(const command_entry& e) {
  std::string line = e.name;
  if (!e.sub.empty())
    line += " " + e.sub;
  for (const auto& operand : e.operands)
    line += " " + operand;
  for (const auto& option : e.options)
    line += " [" + option + "]";
  return line;
}

std::string command_context::value(const std::string& option) const {
  auto it = values.find(option);
  return it == values.end() ? std::string{} : it->second;
}

} // namespace troupe::shell
