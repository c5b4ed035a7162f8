#include "customers/storage_reader.hpp"

#include "storage/attribute_catalog.hpp"
#include "storage/keys.hpp"

#include <chrono>

#include <algorithm>
#include <optional>

#include "actors/actor_error.hpp"
#include "segment/predicate.hpp"
#include "storage/audit_log.hpp"
#include "storage/corpus_versions.hpp"
#include "storage/customer_records.hpp"
#include "storage/json_codec.hpp"
#include "storage/keys.hpp"
#include "storage/outcome_records.hpp"

namespace troupe::customers {

result<record_page> read_page(const storage::store& db, record_kind kind,
                              const std::string& campaign, const std::string& after,
                              uint32_t limit, const campaign::customer_filter& mine) {
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
    if (mine && !mine(std::string{storage::keys::customer_id_of_campaign_key(cursor)})) {
      page.next.assign(cursor.data(), cursor.size()); // a replica's copy: skipped
      return true;
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

constexpr auto owned_count_ttl = std::chrono::seconds(5);

storage_reader::behavior_type reader_impl(std::shared_ptr<storage::store> db,
                                          std::shared_ptr<sharding::shard_ownership> ownership) {
  // The customers of the shards this node owns (the primary of): a
  // replica's copies are counted by their primary.
  campaign::customer_filter mine;
  if (ownership)
    mine = [db, ownership](const std::string& customer) {
      return ownership->owns(db->shard_of(customer));
    };
  // `nodes`: the customers of the owned shards, counted by key (no record
  // parsed), kept a few seconds (the status page asks every refresh).
  struct owned_count {
    uint64_t n = 0;
    std::chrono::steady_clock::time_point at{};
    bool valid = false;
  };
  auto cached = std::make_shared<owned_count>();
  return {
    [db, ownership, cached](actors::count_atom,
                            const std::string& text) -> caf::result<uint64_t> {
      if (text.empty()) {
        auto now = std::chrono::steady_clock::now();
        if (cached->valid && now - cached->at < owned_count_ttl)
          return cached->n;
        uint64_t n = 0;
        for (uint32_t s = 0; s < db->shard_count(); ++s) {
          if (ownership && !ownership->owns(s))
            continue;
          auto st = db->scan_raw(storage::column::customers, storage::keys::shard_begin(s),
                                 storage::keys::shard_end(s),
                                 [&](std::string_view, std::string_view) {
                                   ++n;
                                   return true;
                                 });
          if (!st)
            return actors::to_caf_error(st.err());
        }
        *cached = owned_count{n, now, true};
        return n;
      }
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
        // Only the shards this node owns (a copy being handed in or out is
        // counted once, by its owner), in one scan: one snapshot of them all.
        st = storage::scan_customers_of(*db, ownership->owned_mask(), visit);
      }
      if (!st)
        return actors::to_caf_error(st.err());
      return count;
    },
    // The attribute names imported here (storage/attribute_catalog).
    [db](actors::fields_atom) -> caf::result<std::vector<std::string>> {
      auto names = storage::known_attribute_names(*db);
      if (!names)
        return actors::to_caf_error(names.err());
      return std::move(*names);
    },
    [db, mine](actors::page_atom, record_kind kind, const std::string& campaign,
               const std::string& after, uint32_t limit) -> caf::result<record_page> {
      auto page = read_page(*db, kind, campaign, after, std::max<uint32_t>(1, limit), mine);
      if (!page)
        return actors::to_caf_error(page.err()); // a bad kind, or the store's own error
      return std::move(*page);
    },
    [db](actors::corpus_atom,
         const std::vector<uint64_t>& versions) -> caf::result<std::vector<uint64_t>> {
      auto lacking = storage::corpus_versions_lacking(*db, versions);
      if (!lacking)
        return actors::to_caf_error(lacking.err());
      return std::move(*lacking);
    },
    [db](actors::verify_atom) -> caf::result<audit_report> {
      auto v = storage::audit_log::verify(*db);
      if (!v)
        return actors::to_caf_error(v.err());
      audit_report r;
      r.records = v->records;
      r.chains = v->chains;
      r.intact = !v->broken_at.has_value();
      r.broken_at = v->broken_at.value_or(0);
      if (!r.intact)
        r.broken_chain = v->broken_chain == storage::node_chain
                           ? std::string{"node"}
                           : "shard " + std::to_string(v->broken_chain);
      r.reason = v->reason;
      r.commands = v->commands;
      for (const auto& c : v->recent_commands)
        r.recent_commands.push_back(storage::describe_command(c));
      return r;
    },
    [db, mine](actors::report_atom, const std::string& campaign, std::string& by,
               std::string& cuped) -> caf::result<campaign::campaign_report> {
      auto r = campaign::build_report(*db, campaign, {std::move(by), std::move(cuped)}, mine);
      if (!r)
        return actors::to_caf_error(r.err()); // a bad request, or the store's own error
      return std::move(*r);
    },
  };
}

} // namespace

storage_reader spawn_storage_reader(caf::event_based_actor* owner,
                                    std::shared_ptr<storage::store> db,
                                    std::shared_ptr<sharding::shard_ownership> ownership) {
  return owner->spawn<caf::detached + caf::linked>(reader_impl, std::move(db),
                                                   std::move(ownership));
}

} // namespace troupe::customers
