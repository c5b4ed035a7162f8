#include "campaign/ledger_writer.hpp"

namespace troupe::campaign {

namespace {

ledger_writer_actor::behavior_type ledger_writer_impl(ledger_writer_actor::pointer,
                                                      std::shared_ptr<storage::shard_writer> writer) {
  return {
    [writer](ledger_parts& p) { return ledger_written{writer->write_all(*p.parts)}; },
  };
}

} // namespace

ledger_writer_actor spawn_ledger_writer(caf::event_based_actor* owner,
                                        std::shared_ptr<storage::shard_writer> writer) {
  return owner->spawn<caf::linked + caf::detached>(ledger_writer_impl, std::move(writer));
}

} // namespace troupe::campaign
