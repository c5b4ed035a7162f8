#include "customers/storage_actor.hpp"

#include "actors/actor_error.hpp"
#include "common/metrics.hpp"
#include "customers/event_ingest.hpp"
#include "customers/import_limits.hpp"
#include "segment/predicate.hpp"
#include "storage/audit_log.hpp"
#include "storage/corpus_versions.hpp"
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

import_result import_lines(storage::store& db, const import_chunk& chunk,
                           const sharding::shard_ownership* ownership,
                           const config::input_limits& limits) {
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
  storage::write_batch batch;
  bool customers = chunk.kind == import_kind::customers;
  auto reject = [&](uint64_t line, std::string reason) {
    ++out.rejected;
    if (out.errors.size() < max_errors_per_chunk)
      out.errors.push_back({line, std::move(reason)});
  };
  for (std::size_t i = 0; i < chunk.lines.size(); ++i) {
    auto line_no = chunk.line_of(i);
    const auto& line = chunk.lines[i];
    if (line.find_first_not_of(" \t\r") == std::string::npos)
      continue; // blank lines are not records
    if (auto breach = line_over_limit(line, limits)) {
      reject(line_no, *breach);
      continue;
    }
    if (customers) {
      auto c = storage::customer_from_json(line);
      if (!c) {
        reject(line_no, c.err().message());
        continue;
      }
      if (auto breach = customer_over_limit(*c, limits)) {
        reject(line_no, *breach);
        continue;
      }
      auto shard = db.shard_of(c->id());
      if (ownership != nullptr && !ownership->serves(shard)) {
        out.add_foreign(i, shard);
        continue;
      }
      storage::put_customer(db, batch, *c);
    } else {
      auto d = storage::document_from_json(line);
      if (!d) {
        reject(line_no, d.err().message());
        continue;
      }
      if (auto breach = document_over_limit(*d, limits)) {
        reject(line_no, *breach);
        continue;
      }
      d->set_corpus_version(static_cast<int64_t>(version));
      storage::put_document(batch, version, *d);
    }
    ++out.imported;
  }
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

result<record_page> read_page(const storage::store& db, record_kind kind,
                              const std::string& campaign, const std::string& after,
                              uint32_t limit) {
  if (kind != record_kind::deliveries && kind != record_kind::dead_letters)
    return error{error_domain::actors, static_cast<int>(actors::actors_errc::bad_request),
                 "no such record kind (" + std::to_string(static_cast<int>(kind)) + ")", false};
  bool deliveries = kind == record_kind::deliveries;
  record_page page;
  page.done = true;
  std::optional<error> bad;
  auto visit = [&](std::string_view cursor, std::string_view bytes) {
    if (page.lines.size() >= limit) {
      page.done = false;
      return false;
    }
    if (deliveries) {
      v1::Delivery d;
      if (!d.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
        bad = storage::make_error(storage::storage_errc::corruption, "a delivery does not parse");
        return false;
      }
      page.lines.push_back(storage::delivery_to_json(d));
    } else {
      v1::DeadLetter d;
      if (!d.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
        bad = storage::make_error(storage::storage_errc::corruption, "a dead letter does not parse");
        return false;
      }
      page.lines.push_back(storage::dead_letter_to_json(d));
    }
    page.next.assign(cursor.data(), cursor.size());
    return true;
  };
  auto st = storage::scan_outcomes_raw(
    db, deliveries ? storage::outcome_kind::deliveries : storage::outcome_kind::dead_letters,
    campaign, after, visit);
  if (!st)
    return st.err();
  if (bad)
    return *bad;
  return page;
}

namespace {

caf::behavior storage_impl(caf::event_based_actor* self, std::shared_ptr<storage::store> db,
                           std::shared_ptr<import_metrics> metrics,
                           std::shared_ptr<sharding::shard_ownership> ownership,
                           config::input_limits limits) {
  return {
    [db, metrics, ownership, limits](actors::import_atom,
                             const import_chunk& chunk) -> caf::result<import_result> {
      import_result r;
      switch (chunk.kind) {
        case import_kind::events:
          return ingest_events(*db, chunk, ownership.get(), limits);
        case import_kind::corpus_begin: {
          auto v = storage::begin_corpus_version(*db, chunk.version);
          if (!v)
            return actors::to_caf_error(v.err());
          r.version = *v;
          return r;
        }
        case import_kind::corpus_commit:
          if (auto st = storage::commit_corpus_version(*db, chunk.version); !st)
            return actors::to_caf_error(st.err());
          r.version = chunk.version;
          return r;
        case import_kind::customers:
        case import_kind::corpus:
          break;
        default:
          return actors::make_caf_error(actors::actors_errc::bad_request,
                                        "unknown import kind "
                                          + std::to_string(static_cast<int>(chunk.kind)));
      }
      bool customers = chunk.kind == import_kind::customers;
      r = import_lines(*db, chunk, customers ? ownership.get() : nullptr, limits);
      if (metrics) {
        (customers ? metrics->customers_ok : metrics->corpus_ok)
          ->Increment(static_cast<double>(r.imported));
        (customers ? metrics->customers_rejected : metrics->corpus_rejected)
          ->Increment(static_cast<double>(r.rejected));
      }
      return r;
    },
    [db, ownership](actors::count_atom, const std::string& text) -> caf::result<uint64_t> {
      auto p = segment::predicate::compile(text);
      if (!p)
        return actors::make_caf_error(actors::actors_errc::bad_request, "bad predicate " + p.err().message());
      uint64_t count = 0;
      auto visit = [&](const v1::Customer& c) {
        count += p->selects(c) ? 1 : 0;
        return true;
      };
      auto st = status::success();
      if (!ownership) {
        st = storage::scan_customers(*db, std::nullopt, visit);
      } else {
        // Only the shards this node owns: a copy being handed in or out is
        // counted once, by its owner.
        for (auto shard : ownership->owned())
          if (st)
            st = storage::scan_customers(*db, shard, visit);
      }
      if (!st)
        return actors::to_caf_error(st.err());
      return count;
    },
    [db, ownership](actors::handoff_atom, const std::string& bytes) -> caf::result<uint64_t> {
      v1::RecordBatch batch;
      if (!batch.ParseFromString(bytes))
        return actors::make_caf_error(actors::actors_errc::bad_request, "a handoff batch does not parse");
      // A shard arrives whole: what this node still holds of it is a stale
      // copy from an earlier time it owned the shard (it was down when the
      // shard moved away). Left, it would bring back records deleted since.
      // (A node that never held the shard skips the clear's column scans.)
      if (batch.sequence() == 0 && ownership && !ownership->owns(batch.shard())) {
        auto stale = storage::holds_shard(*db, batch.shard());
        auto cleared = stale ? (*stale ? storage::erase_shard(*db, batch.shard())
                                       : status::success())
                             : status{stale.err()};
        if (!cleared)
          return actors::to_caf_error(cleared.err(), "cannot clear the old copy of shard "
                                                       + std::to_string(batch.shard()) + ": ");
      }
      auto written = storage::write_shard_batch(*db, batch);
      if (!written)
        return actors::to_caf_error(written.err());
      return *written;
    },
    [db](actors::page_atom, record_kind kind, const std::string& campaign,
         const std::string& after, uint32_t limit) -> caf::result<record_page> {
      auto page = read_page(*db, kind, campaign, after, std::max<uint32_t>(1, limit));
      if (!page)
        return actors::to_caf_error(page.err()); // a bad kind, or the store's own error
      return std::move(*page);
    },
    [db](actors::verify_atom) -> caf::result<audit_report> {
      auto v = storage::audit_log::verify(*db);
      if (!v)
        return actors::to_caf_error(v.err());
      audit_report r;
      r.records = v->records;
      r.intact = !v->broken_at.has_value();
      r.broken_at = v->broken_at.value_or(0);
      r.reason = v->reason;
      r.commands = v->commands;
      for (const auto& c : v->recent_commands)
        r.recent_commands.push_back(storage::describe_command(c));
      return r;
    },
    [db](actors::report_atom, const std::string& campaign,
         const std::string& by) -> caf::result<campaign::campaign_report> {
      auto r = campaign::build_report(*db, campaign, by);
      if (!r)
        return actors::to_caf_error(r.err()); // a bad request, or the store's own error
      return std::move(*r);
    },
    [self](actors::info_atom) -> uint64_t { return self->mailbox().size(); },
  };
}

} // namespace

storage_actor spawn_storage_actor(caf::actor_system& sys, std::shared_ptr<storage::store> db,
                                  std::shared_ptr<import_metrics> metrics,
                                  std::shared_ptr<sharding::shard_ownership> ownership,
                                  config::input_limits limits) {
  return caf::actor_cast<storage_actor>(sys.spawn<caf::detached>(
    storage_impl, std::move(db), std::move(metrics), std::move(ownership), limits));
}

} // namespace troupe::customers
