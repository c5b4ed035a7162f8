#pragma once
/// The campaigns of a node: creates them (validating the spec), starts a
/// runner per running campaign, forwards control to it, and answers status
/// from the runner while it lives, from the store afterwards. At start it
/// resumes every campaign the store says was running — the recovery after a
/// crash. Detached: it reads and writes the store.
///
///   campaign_manager_actor:
///     (create_atom, spec JSON)  -> campaign_status | error naming the field
///     (start_atom, id)          -> campaign_status
///     (pause_atom | resume_atom | cancel_atom, id) -> campaign_status
///     (status_atom, id)         -> campaign_status
///     (list_atom)               -> vector<campaign_status>
///     (replay_atom, id)         -> replay_result  // its dead letters, once more
///     (info_atom)               -> mailbox depth

#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/atoms.hpp"
#include "config/input_limits.hpp"
#include "campaign/runner.hpp"
#include "campaign/trigger_book.hpp"
#include "campaign/status.hpp"
#include "campaign/dead_letter_replay.hpp"

namespace troupe::campaign {

using campaign_manager_actor = caf::typed_actor<
  caf::replies_to<actors::create_atom, std::string>::with<campaign_status>,
  caf::replies_to<actors::start_atom, std::string>::with<campaign_status>,
  caf::replies_to<actors::pause_atom, std::string>::with<campaign_status>,
  caf::replies_to<actors::resume_atom, std::string>::with<campaign_status>,
  caf::replies_to<actors::cancel_atom, std::string>::with<campaign_status>,
  caf::replies_to<actors::status_atom, std::string>::with<campaign_status>,
  caf::replies_to<actors::list_atom>::with<std::vector<campaign_status>>,
  caf::replies_to<actors::replay_atom, std::string>::with<replay_result>,
  caf::replies_to<actors::info_atom>::with<uint64_t>,
  caf::reacts_to<caf::tick_atom>>; // from the shard ownership: this node gained a shard

struct campaign_manager_config {
  std::shared_ptr<storage::store> db;
  /// The generation provider every campaign uses (the node's breaker).
  /// Looked up at each call, so that a restarted breaker is picked up.
  std::function<providers::generation_provider()> generator;
  /// The generator is the template alone: called inline by the generate
  /// stage instead (pipeline_providers::inline_template).
  bool inline_template = false;
  /// The webhook channel (the node's breaker:deliver), resolved likewise.
  std::function<providers::delivery_provider()> deliverer;
  /// The smtp channel (the node's breaker:smtp; null: no --smtp-url, and
  /// a campaign of the channel is refused) and its unsubscribe links.
  std::function<providers::mail_provider()> mailer;
  std::shared_ptr<const contact_policy::unsubscribe_link> unsubscribe;
  runner_options runner;
  std::shared_ptr<campaign_metrics> metrics; ///< may be null
  std::vector<std::string> node_blocklist;   ///< the node's blocked terms
  /// Where campaigns write their records (storage/shard_writer).
  std::shared_ptr<storage::shard_writer> writer;
  bool audit = true; ///< audit records of safety decisions and deliveries
  std::shared_ptr<sharding::shard_ownership> ownership;       ///< null: every shard
  config::input_limits limits; ///< a campaign's segment predicate (max_predicate_bytes)
  /// Where triggered campaigns are armed while they run (event ingest reads
  /// it); null: a book of the manager's own, which no event reaches.
  std::shared_ptr<trigger_book> triggers;
};

campaign_manager_actor spawn_campaign_manager(caf::actor_system& sys,
                                              campaign_manager_config cfg);

} // namespace troupe::campaign
