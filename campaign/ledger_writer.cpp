#include "campaign/ledger_writer.hpp"

#include "common/log.hpp"
#include "common/thread_priority.hpp"

namespace troupe::campaign {

namespace {

ledger_writer_actor::behavior_type ledger_writer_impl(ledger_writer_actor::pointer,
                                                      std::shared_ptr<storage::shard_writer> writer,
                                                      int nice) {
  if (auto s = set_thread_nice(nice); !s)
    log::warn("campaign", "ledger writer thread: ", s.err().message());
  return {
    [writer](ledger_parts& p) { return ledger_written{writer->write_all(*p.parts)}; },
  };
}

} // namespace

ledger_writer_actor spawn_ledger_writer(caf::event_based_actor* owner,
                                        std::shared_ptr<storage::shard_writer> writer, int nice) {
  return owner->spawn<caf::linked + caf::detached>(ledger_writer_impl, std::move(writer), nice);
}

} // namespace troupe::campaign
