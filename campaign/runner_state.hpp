#pragma once
/// A campaign runner's state (campaign/runner.cpp): a plain struct, touched
/// only by its runner actor.

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <prometheus/counter.h>

#include "actors/inflight_window.hpp"
#include "actors/token_bucket.hpp"
#include "campaign/counters.hpp"
#include "campaign/ledger.hpp"
#include "campaign/ledger_writer.hpp"
#include "campaign/lifecycle.hpp"
#include "campaign/pipeline_metrics.hpp"
#include "campaign/runner.hpp"
#include "campaign/runner_contacts.hpp"
#include "campaign/stages.hpp"
#include "campaign/work_item.hpp"

namespace troupe::campaign::detail {

/// How far the runner is in reading its current shard.
enum class shard_read : uint8_t {
  reading,  ///< customers left to read
  read_all, ///< every customer read: the shard is done once they are accounted
  yielded,  ///< stopped reading, not done: the shard is sealed for a handoff
            ///< (or, past the last shard, one it owns is still moving)
  abandoned, ///< stopped reading, its write refused (this node is no longer
             ///< the shard's primary, or not yet in sync with its replicas):
             ///< what finishes is dropped, the shard done again from its
             ///< stored checkpoint by whoever is its primary
};

struct runner_state {
  runner_context ctx;
  stage_actor pipeline;
  std::string id;
  uint32_t shard = 0;
  std::string cursor;          ///< last customer read in this shard ("": none yet)
  shard_read read = shard_read::reading;
  uint64_t next_seq = 0;
  uint64_t prefix_seq = 0;     ///< every item before it is accounted for
  std::map<uint64_t, work_item> finished_early; ///< finished, waiting for their prefix
  std::unique_ptr<actors::inflight_window> window;      ///< customers in the pipeline
  /// The campaign's series (outcome counters, in flight, mailbox depth),
  /// held while the runner runs (null without metrics).
  std::shared_ptr<campaign::campaign_series> series;
  v1::Checkpoint checkpoint;   ///< of the current shard (its counters: `shard_counts`)
  campaign_counters shard_counts; ///< the current shard, as accounted so far
  campaign_counters totals;    ///< all shards, as accounted so far
  std::unique_ptr<ledger> book; ///< the accounted items not yet written
  ledger_writer_actor writer;   ///< writes behind, mid-shard (ledger_writer.hpp)
  bool writing = false;         ///< a write of `writer` is in flight
  std::optional<actors::token_bucket> rate; ///< this member's share of rate_limit
  double paced = 0;                          ///< the rate `rate` runs at (runner_pace)
  /// The node's frequency cap, shared with the segment stage (null: none).
  std::shared_ptr<runner_contacts> contacts;
  work_batch contacted;        ///< accounted items with a contact reserved, not yet written
  work_batch contacts_writing; ///< those of the write behind in flight
  /// Holds `shard` in the node's shard ownership (not a lifecycle state:
  /// the runner lets go of its shard while paused, and when it moves on).
  bool holds_shard = false;

  /// Where the campaign is; the one state of the runner (ctx.state keeps it).
  campaign_state lifecycle() const { return state_of(ctx.state); }

  ~runner_state() {
    if (holds_shard && ctx.ownership)
      ctx.ownership->leave(shard);
  }
};

} // namespace troupe::campaign::detail
