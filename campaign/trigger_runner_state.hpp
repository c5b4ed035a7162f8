#pragma once
/// The state of a triggered campaign's runner (campaign/trigger_runner.cpp):
/// its pending sends by due time, what is in flight, its shards' checkpoints
/// and its side of the frequency cap. One per runner, on its thread.

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "campaign/campaign_metrics.hpp"
#include "campaign/ledger.hpp"
#include "campaign/lifecycle.hpp"
#include "campaign/runner.hpp"
#include "campaign/runner_contacts.hpp"
#include "campaign/stages.hpp"
#include "campaign/stored_status.hpp"
#include "campaign/trigger_book.hpp"
#include "campaign/trigger_checkpoints.hpp"
#include "segment/predicate.hpp"
#include "troupe.pb.h"

namespace troupe::campaign {

struct trigger_state {
  runner_context ctx;
  std::string id;
  std::shared_ptr<trigger_book> book;
  int depth = segment::max_predicate_depth;
  stage_actor pipeline;
  std::unique_ptr<ledger> records;
  std::multimap<int64_t, v1::PendingSend> due; ///< waiting, by due time
  std::set<std::string> known;                 ///< timer keys waiting or in flight
  std::set<std::string> held; ///< timer keys quiet hours held (counted once sent)
  std::string channel;        ///< the campaign's (contacts are per channel)
  std::unique_ptr<runner_contacts> contacts; ///< the frequency cap's side (after ctx)
  std::size_t in_flight = 0;
  std::size_t window = 256;
  uint64_t next_seq = 0;
  std::unique_ptr<trigger_checkpoints> checkpoints; ///< per shard, read once
  std::shared_ptr<campaign_series> series;          ///< null: no metrics
  uint64_t fire_generation = 0;
  int64_t armed_for = std::numeric_limits<int64_t>::max();
  /// Shards entered (once per item in flight): left as the items are
  /// written, and by the runner's exit for those still in flight.
  std::shared_ptr<std::map<uint32_t, uint64_t>> inside =
      std::make_shared<std::map<uint32_t, uint64_t>>();
  static inline const char* name = "troupe.trigger_runner";

  campaign_state lifecycle() const { return state_of(ctx.state); }
  int64_t now() const {
    return ctx.opts.contacts.clock ? ctx.opts.contacts.clock() : wall_clock_ms();
  }
};

} // namespace troupe::campaign
