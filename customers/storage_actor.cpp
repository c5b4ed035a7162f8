#include "customers/storage_actor.hpp"

#include <map>

#include "actors/actor_error.hpp"
#include "common/metrics.hpp"
#include "customers/customer_import.hpp"
#include "campaign/trigger_runner.hpp"
#include "customers/event_ingest.hpp"
#include "customers/import_parser.hpp"
#include "customers/import_limits.hpp"
#include "customers/sharded_write.hpp"
#include "customers/storage_reader.hpp"
#include "segment/predicate.hpp"
#include "storage/audit_log.hpp"
#include "storage/corpus_versions.hpp"
#include "storage/customer_parser.hpp"
#include "storage/shard_transfer.hpp"
#include "storage/json_codec.hpp"
#include "storage/customer_records.hpp"
#include "storage/outcome_records.hpp"

#include <optional>

namespace troupe::customers {

import_metrics::import_metrics(prometheus::Registry& registry) {
  auto& family = metrics::counter_family(registry, "troupe_import_records_total",
                                         "Imported records, by kind and result");
  customers_ok = &family.Add({{"kind", "customers"}, {"result", "imported"}});
  customers_rejected = &family.Add({{"kind", "customers"}, {"result", "rejected"}});
  corpus_ok = &family.Add({{"kind", "corpus"}, {"result", "imported"}});
  corpus_rejected = &family.Add({{"kind", "corpus"}, {"result", "rejected"}});
}

import_result import_lines(storage::store& db, storage::shard_writer& writer,
                           const import_chunk& chunk,
                           sharding::shard_ownership* ownership,
                           const config::input_limits& limits) {
  if (chunk.kind == import_kind::customers) {
    auto r = write_and_catalog(db, writer, ownership, parse_customer_lines(db, chunk, limits));
    r.version = chunk.version;
    return r;
  }
  import_result out;
  uint64_t version = chunk.version;
  bool own_version = chunk.kind == import_kind::corpus && version == 0;
  if (own_version) {
    auto v = storage::begin_corpus_version(db);
    if (!v) {
      out.rejected = chunk.lines.size();
      out.errors.push_back({chunk.first_line, "no corpus version: " + v.err().message()});
      return out;
    }
    version = *v;
  }
  out.version = version;
  storage::write_batch batch; // documents: the node's own corpus
  for_each_record(
    chunk, limits, out, [](const std::string& line) { return storage::document_from_json(line); },
    [&](const v1::ContentDocument& d) { return document_over_limit(d, limits); },
    [&](std::size_t, uint64_t, v1::ContentDocument& d) {
      d.set_corpus_version(static_cast<int64_t>(version));
      storage::put_document(batch, version, d);
      ++out.imported;
    });
  if (batch.size() > 0) {
    auto st = db.write(batch);
    if (!st) {
      // Nothing of this chunk was written: every record of it is rejected.
      auto reason = "not written: " + st.err().message();
      out.rejected += out.imported;
      out.imported = 0;
      out.errors.clear();
      out.errors.push_back({chunk.line_of(0), reason});
      return out;
    }
  }
  if (own_version) {
    if (auto st = storage::commit_corpus_version(db, version); !st)
      out.errors.push_back({chunk.line_of(0), "written, not committed: " + st.err().message()});
  }
  return out;
}

namespace {

/// Hands each triggered campaign's runner what a written chunk of events
/// did to it (its new and cancelled sends).
std::function<void(const trigger_effects&)>
tell_runners(std::shared_ptr<const campaign::trigger_book> book) {
  if (!book)
    return {};
  return [book](const trigger_effects& fx) {
    std::map<std::string, campaign::trigger_news> news;
    for (const auto& p : fx.pending)
      news[p.campaign_id()].made.push_back(p);
    for (const auto& p : fx.cancelled)
      news[p.campaign_id()].cancelled.push_back(p);
    for (const auto& t : *book->current())
      if (auto it = news.find(t.campaign_id); it != news.end() && t.runner)
        caf::anon_send(t.runner, std::move(it->second));
  };
}

/// The owners' customer actors step a chunk's events, through the
/// registry; before the registry is up (no customer actor lives yet) the
/// store is read instead. This thread waits for the registry's answer
/// (the next chunk's events must count from what this one wrote).
event_steps actor_steps(caf::actor_system& sys, const storage_deps& d) {
  auto registry = d.customers ? d.customers->get() : customer_registry_actor{};
  if (!registry)
    return store_steps(*d.db);
  event_steps s;
  s.step = [&sys, registry](const event_batch& batch) -> result<std::vector<customer_step>> {
    caf::scoped_actor asker{sys};
    result<std::vector<customer_step>> out =
      actors::from_caf_error(actors::make_caf_error(actors::actors_errc::timeout, "no answer"));
    asker->request(registry, event_batch_timeout, event_atom::value, batch)
      .receive([&](std::vector<customer_step>& steps) { out = std::move(steps); },
               [&](caf::error& err) { out = actors::from_caf_error(err); });
    return out;
  };
  s.written = [registry](std::vector<v1::Profile> profiles) {
    caf::anon_send(registry, profile_atom::value, std::move(profiles));
  };
  return s;
}

/// Sent by the storage actor to itself: write the event chunks that wait.
using events_flush_atom = caf::atom_constant<caf::atom("evflush")>;

/// The most lines of events written together in one flush.
constexpr std::size_t max_flush_lines = 20'000;

/// Event chunks that came in while the storage actor was busy: written
/// together at its next flush (one step of the customer actors, one write
/// and one sync for all), each answered with its own result.
struct event_queue {
  std::vector<import_chunk> chunks;
  std::vector<caf::response_promise> promises;
  std::size_t lines = 0;
  bool flush_sent = false;
};

void flush_events(caf::event_based_actor* self, const storage_deps& d, event_queue& q) {
  if (q.chunks.empty())
    return;
  std::vector<const import_chunk*> chunks;
  for (const auto& c : q.chunks)
    chunks.push_back(&c);
  auto results = ingest_event_chunks(*d.db, *d.writer, chunks, d.ownership.get(), d.limits,
                                     d.triggers.get(), tell_runners(d.triggers),
                                     actor_steps(self->system(), d));
  for (std::size_t i = 0; i < results.size(); ++i)
    q.promises[i].deliver(std::move(results[i]));
  q.chunks.clear();
  q.promises.clear();
  q.lines = 0;
}

caf::behavior storage_impl(caf::event_based_actor* self, storage_deps d) {
  std::vector<storage_reader> readers;
  for (unsigned i = 0; i < std::max(1u, d.readers); ++i)
    readers.push_back(spawn_storage_reader(self, d.db, d.ownership));
  auto turn = std::make_shared<std::size_t>(0);
  auto next = [readers, turn] { return readers[(*turn)++ % readers.size()]; };
  auto parser = spawn_import_parser(self, d.db, d.limits);
  auto events = std::make_shared<event_queue>();
  return {
    [self, d, parser, events](actors::import_atom,
                              import_chunk& chunk) -> caf::result<import_result> {
      import_result r;
      switch (chunk.kind) {
        case import_kind::events: {
          // Written at the flush this sends itself, behind the requests
          // already waiting: under load, several in one write.
          auto rp = self->make_response_promise<import_result>();
          events->lines += chunk.lines.size();
          events->chunks.push_back(std::move(chunk));
          events->promises.push_back(rp);
          if (events->lines >= max_flush_lines) {
            flush_events(self, d, *events);
          } else if (!events->flush_sent) {
            events->flush_sent = true;
            self->send(self, events_flush_atom::value);
          }
          return rp;
        }
        case import_kind::corpus_begin: {
          auto v = storage::begin_corpus_version(*d.db, chunk.version);
          if (!v)
            return actors::to_caf_error(v.err());
          r.version = *v;
          return r;
        }
        case import_kind::corpus_commit:
          if (auto st = storage::commit_corpus_version(*d.db, chunk.version); !st)
            return actors::to_caf_error(st.err());
          r.version = chunk.version;
          return r;
        case import_kind::customers: {
          // Parsed on the parser's thread while this one writes the chunk
          // before; answers come in order, so chunks are written in order.
          auto rp = self->make_response_promise<import_result>();
          auto version = chunk.version;
          self->request(parser, caf::infinite, actors::import_atom::value, std::move(chunk))
            .then(
              [d, rp, version](parsed_customers& parsed) mutable {
                auto written = write_and_catalog(*d.db, *d.writer, d.ownership.get(),
                                                 std::move(parsed));
                written.version = version;
                if (d.metrics) {
                  d.metrics->customers_ok->Increment(static_cast<double>(written.imported));
                  d.metrics->customers_rejected->Increment(
                    static_cast<double>(written.rejected));
                }
                rp.deliver(std::move(written));
              },
              [rp](caf::error& e) mutable { rp.deliver(std::move(e)); });
          return rp;
        }
        case import_kind::corpus:
          break;
        default:
          return actors::make_caf_error(actors::actors_errc::bad_request,
                                        "unknown import kind "
                                          + std::to_string(static_cast<int>(chunk.kind)));
      }
      r = import_lines(*d.db, *d.writer, chunk, nullptr, d.limits);
      if (d.metrics) {
        d.metrics->corpus_ok->Increment(static_cast<double>(r.imported));
        d.metrics->corpus_rejected->Increment(static_cast<double>(r.rejected));
      }
      return r;
    },
    [d](actors::handoff_atom, const std::string& bytes) -> caf::result<uint64_t> {
      v1::RecordBatch batch;
      if (!batch.ParseFromString(bytes))
        return actors::make_caf_error(actors::actors_errc::bad_request, "a handoff batch does not parse");
      // A shard arrives whole: what this node still holds of it is a stale
      // copy from an earlier time it owned the shard (it was down when the
      // shard moved away). Left, it would bring back records deleted since.
      // (A node that never held the shard skips the clear's column scans.)
      if (batch.sequence() == 0 && d.ownership && !d.ownership->owns(batch.shard())) {
        auto stale = storage::holds_shard(*d.db, batch.shard());
        auto cleared = stale ? (*stale ? storage::erase_shard(*d.db, batch.shard())
                                       : status::success())
                             : status{stale.err()};
        if (!cleared)
          return actors::to_caf_error(cleared.err(), "cannot clear the old copy of shard "
                                                       + std::to_string(batch.shard()) + ": ");
      }
      auto written = storage::write_shard_batch(*d.db, batch);
      // The copy writes the shard's position itself: the log reloads it.
      if (batch.shard() < d.db->shard_count())
        if (auto st = d.log->reset(batch.shard()); !st && written)
          return actors::to_caf_error(st.err());
      if (!written)
        return actors::to_caf_error(written.err());
      return *written;
    },
    // Reads go to the readers, one after the other: a long count or report
    // never holds up an import, a campaign's write or a handoff batch.
    [self, next](actors::count_atom, std::string& text) -> caf::result<uint64_t> {
      return self->delegate(next(), actors::count_atom::value, std::move(text));
    },
    [self, next](actors::fields_atom) -> caf::result<std::vector<std::string>> {
      return self->delegate(next(), actors::fields_atom::value);
    },
    [self, next](actors::page_atom, record_kind kind, std::string& campaign, std::string& after,
                 uint32_t limit) -> caf::result<record_page> {
      return self->delegate(next(), actors::page_atom::value, kind, std::move(campaign),
                            std::move(after), limit);
    },
    [self, next](actors::corpus_atom,
                 std::vector<uint64_t>& versions) -> caf::result<std::vector<uint64_t>> {
      return self->delegate(next(), actors::corpus_atom::value, std::move(versions));
    },
    [self, next](actors::verify_atom) -> caf::result<audit_report> {
      return self->delegate(next(), actors::verify_atom::value);
    },
    [self, next](actors::report_atom, std::string& campaign, std::string& by,
                 std::string& cuped) -> caf::result<campaign::campaign_report> {
      return self->delegate(next(), actors::report_atom::value, std::move(campaign),
                            std::move(by), std::move(cuped));
    },
    [self, d, events](events_flush_atom) {
      events->flush_sent = false;
      flush_events(self, d, *events);
    },
    [self](actors::info_atom) -> uint64_t { return self->mailbox().size(); },
  };
}

} // namespace

storage_deps local_storage(std::shared_ptr<storage::store> db,
                           std::shared_ptr<import_metrics> metrics) {
  storage_deps d;
  d.log = std::make_shared<storage::shard_log>(*db);
  d.writer = std::make_shared<storage::local_writer>(db, d.log);
  d.db = std::move(db);
  d.metrics = std::move(metrics);
  return d;
}

storage_actor spawn_storage_actor(caf::actor_system& sys, storage_deps deps) {
  return caf::actor_cast<storage_actor>(sys.spawn<caf::detached>(storage_impl, std::move(deps)));
}

} // namespace troupe::customers
