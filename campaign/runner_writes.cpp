#include "campaign/runner_writes.hpp"

#include <map>
#include <memory>
#include <vector>

#include "actors/actor_error.hpp"
#include "campaign/ledger_writer.hpp"
#include "campaign/unsubscribes.hpp"
#include "common/log.hpp"

namespace troupe::campaign::detail {

namespace {

/// A write the cluster refused for now: this node is no longer the shard's
/// primary (or not in a cluster), or a replica did not take it and could
/// not be dropped. Not the campaign's failure: the shard's.
bool refused_for_now(const error& e) {
  return e.domain() == error_domain::cluster && e.retryable();
}

} // namespace

/// Gives up the current shard after a refused write: nothing of it since
/// its last checkpoint is kept here; its primary does it again from there.
void abandon(runner_actor* self, const error& why) {
  auto& st = self->state;
  log::warn("campaign", st.id, ": shard ", st.shard, " not written (", why.message(),
            "): left to its primary, from its last checkpoint");
  st.book->discard();
  if (st.contacts) { // their deliveries are not kept here: nor their contacts
    st.contacts->settle(st.contacted);
    st.contacted.items.clear();
  }
  st.read = shard_read::abandoned;
}

pipeline_policy with_cap(runner_actor* self, pipeline_policy policy) {
  auto& st = self->state;
  policy.unsubscribed = unsubscribed_check(st.ctx.db);
  const auto& rules = st.ctx.opts.contacts;
  if (rules.frequency_cap == 0 || !rules.book)
    return policy;
  const auto& channel = st.ctx.state.spec().channel();
  st.contacts = std::make_shared<runner_contacts>(st.ctx.db, rules,
                                                  channel.empty() ? "store" : channel);
  policy.cap = [contacts = st.contacts](work_item& w) { contacts->gate(w); };
  return policy;
}

void keep_contact(runner_actor* self, const work_item& w) {
  auto& st = self->state;
  if (!st.contacts || !w.contact_at)
    return;
  work_item kept; // what counting and releasing it needs
  kept.shard = w.shard;
  kept.customer = w.customer;
  kept.result = w.result;
  kept.contact_at = w.contact_at;
  st.contacted.items.push_back(std::move(kept));
}

void release_contact(runner_actor* self, const work_item& w) {
  auto& st = self->state;
  if (!st.contacts || !w.contact_at)
    return;
  work_batch one;
  one.items.push_back(w);
  st.contacts->settle(one);
}

namespace {

/// A write of the shard's items and checkpoint failed: the shard is
/// abandoned (refused for now: its primary does it again from its last
/// written checkpoint) or the campaign fails. False either way.
bool write_failed(runner_actor* self, const error& e) {
  auto& st = self->state;
  if (refused_for_now(e)) {
    abandon(self, e);
    return false;
  }
  runner_fail(self, "cannot write deliveries and checkpoint of shard "
                      + std::to_string(st.shard) + ": " + e.message());
  return false;
}

/// The shard's checkpoint, as accounted so far, joins the ledger.
void checkpoint(runner_actor* self, bool shard_done) {
  auto& st = self->state;
  st.checkpoint.set_done(shard_done);
  *st.checkpoint.mutable_counters() = to_proto(st.shard_counts);
  st.book->checkpoint(st.shard, st.checkpoint);
}

/// Counts the delivered contacts accounted since the last write into the
/// ledger, their pairs claimed until `contacts_written`. False (the
/// campaign failed) when a count cannot be read.
bool count_contacts(runner_actor* self) {
  auto& st = self->state;
  if (!st.contacts || st.contacted.items.empty())
    return true;
  std::map<uint32_t, std::string> refused;
  if (auto counted = st.contacts->count(*st.book, st.contacted, refused); !counted) {
    st.contacts->settle(st.contacted);
    st.contacted.items.clear();
    runner_fail(self, "cannot count the contacts of shard " + std::to_string(st.shard) + ": "
                        + counted.err().message());
    return false;
  }
  return true;
}

/// After the write that counted `items` (written or not): their
/// reservations and claims go.
void contacts_written(runner_actor* self, work_batch& items) {
  auto& st = self->state;
  if (st.contacts)
    st.contacts->settle(items);
  items.items.clear();
}

} // namespace

/// Writes the accounted items and the shard's checkpoint in one batch, on
/// the runner's thread (at a shard's end, a pause, a cancel: what comes
/// next waits for it). False when the runner cannot go on with the shard
/// (failed or abandoned).
bool flush(runner_actor* self, bool shard_done) {
  auto& st = self->state;
  checkpoint(self, shard_done);
  if (!count_contacts(self))
    return false;
  auto w = st.book->commit();
  contacts_written(self, st.contacted);
  if (!w) {
    bool abandoned = refused_for_now(w.err());
    write_failed(self, w.err());
    if (abandoned && st.window->inflight() == 0) // nothing left to drop: move on now
      self->send(self, pull_atom::value);
    return false;
  }
  return true;
}

/// Mid-shard: writes the accounted items and the checkpoint behind, on
/// the ledger writer's thread, while the runner goes on; at most one such
/// write in flight (the next waits for its answer, and anything that
/// leaves the shard waits for it too).
bool write_behind(runner_actor* self) {
  auto& st = self->state;
  checkpoint(self, false);
  if (!count_contacts(self))
    return false; // the campaign failed: nothing of the book is written
  st.contacts_writing = std::move(st.contacted);
  st.contacted.items.clear();
  st.writing = true;
  self->request(st.writer, caf::infinite, ledger_parts{
                  std::make_shared<std::vector<storage::shard_write>>(st.book->take())})
    .then(
      [self](ledger_written& w) {
        auto& st = self->state;
        st.writing = false;
        contacts_written(self, st.contacts_writing);
        if (!w.result) {
          write_failed(self, w.result.err());
          if (st.read != shard_read::abandoned)
            return; // the campaign failed: the runner has quit
        }
        runner_progress(self);
      },
      [self](caf::error& e) {
        self->state.writing = false;
        contacts_written(self, self->state.contacts_writing);
        runner_fail(self, "the campaign's ledger writer is gone: " + actors::describe(e));
      });
  return true;
}

} // namespace troupe::campaign::detail
