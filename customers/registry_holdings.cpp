#include "customers/registry_detail.hpp"

#include "actors/actor_error.hpp"
#include "common/log.hpp"
#include "storage/customer_records.hpp"

namespace troupe::customers::detail {

namespace {

/// Deletes what the store holds of customer `id`, with its audit record;
/// `held_live`: its actor held the customer (maybe never saved yet).
result<storage::erased_records> erase_stored(registry_pointer self, const std::string& id,
                                             bool held_live) {
  auto& st = self->state;
  storage::shard_write part;
  part.shard = st.db->shard_of(id);
  auto erased = storage::erase_customer_records(*st.db, id, part.batch);
  if (!erased)
    return erased.err();
  erased->customer = erased->customer || held_live;
  if (erased->total() == 0)
    return *erased; // nothing held here: nothing to write or audit
  if (st.audit) {
    v1::AuditRecord r;
    r.set_kind("customer_erased");
    r.set_actor("customers");
    r.set_customer_id(id);
    r.set_ts_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count());
    part.audit.push_back(std::move(r));
  }
  if (auto written = st.writer->write_one(part); !written)
    return written.err();
  return *erased;
}

} // namespace

/// Handles `(erase_atom, id)`: see the header.
caf::result<storage::erased_records> erase_customer(registry_pointer self,
                                                   const std::string& id) {
  auto& st = self->state;
  auto shard = st.db->shard_of(id);
  auto ownership = st.ownership;
  // A sealed shard is being handed off (and stays sealed here until this
  // node's copy is deleted), owned or not: refused, the records streamed
  // away would bring the customer back. An owned shard is entered like a
  // campaign runner enters it, so a handoff waits until the erasure is
  // written; the guard leaves it on every path, the registry's exit too.
  std::shared_ptr<void> inside;
  auto moving = [&] {
    return actors::make_caf_error(actors::actors_errc::shard_moving,
                          "customer '" + id + "' is in shard " + std::to_string(shard)
                            + ", which is being handed off; try again");
  };
  if (ownership && ownership->sealed(shard))
    return moving();
  // A shard this node is not the primary of: its primary erases it, and the
  // erasure reaches this node's copy (a replica's) as one of its batches.
  if (ownership && !ownership->owns(shard))
    return storage::erased_records{};
  if (ownership && ownership->owns(shard)) {
    if (!ownership->enter(shard))
      return moving();
    inside.reset(static_cast<void*>(ownership.get()),
                 [ownership, shard](void*) { ownership->leave(shard); });
  }
  auto rp = self->make_response_promise<storage::erased_records>();
  auto finish = [self, rp, id, inside](bool held_live) mutable {
    auto erased = erase_stored(self, id, held_live);
    forget_profile(self, id); // what the store holds now, erased or not, is read again
    inside.reset(); // the shard is left when the last copy of `finish` lets go
    if (!erased) {
      auto& e = erased.err();
      rp.deliver(actors::to_caf_error(e, "cannot erase customer " + id + ": "));
      return;
    }
    log::info("customers", "erased customer ", id, ": ", erased->total(), " records");
    rp.deliver(*erased);
  };
  if (st.entries.count(id) == 0) { // no actor holds it: the store is all there is
    finish(false);
    return rp;
  }
  // Its actor first forgets it (it must not save it back when it goes),
  // then the store's records go.
  route(self, id, [self, finish, id](const caf::actor& target, const std::string&) mutable {
    // Its actor forgets the profile too: should the store's records stay
    // (the erasure refused), the next events count from the store's.
    forget_profile(self, id);
    if (!target) {
      finish(false);
      return;
    }
    self->request(target, caf::infinite, actors::erase_atom::value)
      .then([finish](bool held) mutable { finish(held); },
            [finish](caf::error&) mutable { finish(false); });
  });
  return rp;
}

/// Handles `(export_atom, id)`: the store's records, with the customer as
/// its live actor holds it if it has one.
caf::result<storage::holdings_bytes> export_customer(registry_pointer self,
                                                    const std::string& id) {
  auto& st = self->state;
  auto held = storage::read_customer_records(*st.db, id);
  if (!held)
    return actors::to_caf_error(held.err(), "cannot read customer " + id + ": ");
  auto rp = self->make_response_promise<storage::holdings_bytes>();
  if (st.entries.count(id) == 0) {
    rp.deliver(storage::to_bytes(id, *held));
    return rp;
  }
  auto h = std::make_shared<storage::customer_holdings>(std::move(*held));
  route(self, id, [self, rp, id, h](const caf::actor& target, const std::string& why) mutable {
    if (!target) {
      rp.deliver(actors::make_caf_error(actors::actors_errc::provider_failed, why));
      return;
    }
    self->request(target, caf::infinite, caf::get_atom::value)
      .then(
        [rp, id, h](customer_record& r) mutable {
          if (r.found)
            h->customer = std::move(r.data);
          else
            h->customer.reset();
          rp.deliver(storage::to_bytes(id, *h));
        },
        [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  });
  return rp;
}

} // namespace troupe::customers::detail
