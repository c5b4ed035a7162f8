#pragma once
/// The stages of a campaign's pipeline, one actor each, chained:
///
///   segment -> retrieve -> generate -> safety -> assign -> deliver
///
/// segment:  the compiled predicate; customers outside it finish as skipped.
/// retrieve: the top `citations` approved documents by BM25 for the
///           customer's categories plus the brief's keywords (cached by query).
/// generate: asks the generation provider (through its breaker) for the
///           message; retries a failure with backoff, then fails the item.
/// safety:   the blocklist over the message and every cited document's
///           text; a hit finishes the item as blocked, naming term and place.
/// assign:   the experiment arm (arm_assignment.hpp).
/// deliver:  the `store` channel: the item finishes as delivered; the
///           `webhook` channel: POSTs the delivery first (webhook_channel.hpp),
///           retrying 5xx and timeouts with backoff, dead-lettering on 4xx;
///           the `smtp` channel: sends the email (smtp_channel.hpp) to the
///           customer's `email`, retrying 4xx replies and failures to
///           connect, dead-lettering on 5xx and on a customer without a
///           valid address (the relay is not asked then).
///           Either way the Delivery record is written by the campaign runner
///           in the same write batch as the shard's checkpoint.
///
/// Metrics: stage_metrics.hpp.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <caf/event_based_actor.hpp>

#include "campaign/calling_stage.hpp"
#include "campaign/content_snapshot.hpp"
#include "campaign/stage_metrics.hpp"
#include "contact_policy/unsubscribe_link.hpp"
#include "providers/smtp_channel.hpp"
#include "providers/webhook_channel.hpp"
#include "campaign/work_item.hpp"
#include "troupe.pb.h"

namespace troupe::campaign {

/// The providers a pipeline calls, looked up at each call (a breaker that
/// restarts is a new actor; null while there is none).
struct pipeline_providers {
  std::function<providers::generation_provider()> generator; ///< the node's breaker:generate
  std::function<providers::delivery_provider()> deliverer;   ///< its breaker:deliver (webhook)
  std::function<providers::mail_provider()> mailer;          ///< its breaker:smtp
  /// The signer of the smtp channel's one-click unsubscribe links (null:
  /// messages carry none).
  std::shared_ptr<const contact_policy::unsubscribe_link> unsubscribe;
  /// The node's generator is the template, without fault injection: a pure
  /// function of the request that cannot fail or block, so the generate
  /// stage calls it inline (nothing to time, retry or break, and no
  /// message per customer to the breaker and back). `generator` is not
  /// called then.
  bool inline_template = false;
};

/// Retries of the stages that call providers.
struct pipeline_policy {
  retry_policy generate;
  /// Delivery waits longer: a receiver that is down gets time to come back.
  retry_policy deliver{6, std::chrono::milliseconds{100}, std::chrono::milliseconds{5'000}, 0.5,
                       std::chrono::milliseconds{30'000}};
  /// The smtp channel's (--smtp-attempts, --smtp-backoff-ms).
  retry_policy mail{6, std::chrono::milliseconds{1'000}, std::chrono::milliseconds{30'000}, 0.5,
                    std::chrono::milliseconds{30'000}};
  /// The nice value of the pipeline's threads (each stage is detached, as
  /// are the runner and its ledger writer): a campaign that keeps every
  /// core busy leaves the interactive path (shell door and gateway, on
  /// CAF's scheduler threads) ahead of it. 0: not niced.
  int thread_nice = 5;
  /// The global holdout's share (contact_policy/holdout), basis points:
  /// customers the segment selects and the holdout holds out are sent
  /// nothing (outcome held_out).
  uint32_t holdout_basis_points = 0;
  /// A batch campaign's frequency cap (campaign/runner_contacts `gate`),
  /// asked by the segment stage for each customer it selects and the
  /// holdout does not hold out; null: none (a triggered campaign's runner
  /// asks before its pipeline).
  std::function<void(work_item&)> cap;
  /// Whether a customer unsubscribed (campaign/unsubscribes), asked by the
  /// segment stage for each customer it selects: those are skipped, reason
  /// "unsubscribed". Null: nobody is.
  std::function<result<bool>(std::string_view)> unsubscribed;
};

/// Spawns the pipeline for one campaign and returns its head. The stages
/// are detached (a thread each, niced by `policy.thread_nice`) and linked to `owner` (the campaign's runner): they live and die with it.
/// `owner` is the pipeline's sink: it must handle `(finished_atom,
/// work_batch)`, each batch it sent in coming back, maybe in parts, with
/// every item finished. `metrics` may be null.
stage_actor spawn_pipeline(caf::event_based_actor* owner, pipeline_inputs inputs,
                           const v1::CampaignSpec& spec, pipeline_providers providers,
                           pipeline_policy policy, std::shared_ptr<stage_metrics> metrics);

} // namespace troupe::campaign
