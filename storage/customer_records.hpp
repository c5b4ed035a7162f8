#pragma once
/// Everything one node's store holds about one customer: its record, and
/// its deliveries, dead letters and events in every campaign. Read for
/// `customer export`, erased for `customer delete` (GDPR).
///
/// Deliveries, dead letters and events are keyed by campaign id first, so a
/// customer's records are found by skipping from one campaign's key range
/// to the next: a few seeks per campaign present in the column, never a
/// scan of the column. Blocking (RocksDB I/O).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "common/error.hpp"
#include "storage/store.hpp"
#include "troupe.pb.h"

namespace troupe::storage {

/// What a store holds about one customer.
struct customer_holdings {
  std::optional<v1::Customer> customer;
  std::vector<v1::Delivery> deliveries;
  std::vector<v1::DeadLetter> dead_letters;
  std::vector<v1::Event> events;
  std::optional<v1::Profile> profile;
  std::vector<v1::PendingSend> pending_sends; ///< of triggered campaigns
  std::vector<v1::JourneyEntries> entries;    ///< into triggered campaigns
};

/// `customer_holdings` as it crosses members: each record serialized.
struct holdings_bytes {
  std::string customer_id;
  bool has_customer = false;
  std::string customer;
  std::vector<std::string> deliveries;
  std::vector<std::string> dead_letters;
  std::vector<std::string> events;
  std::string profile; ///< empty: none
  std::vector<std::string> pending_sends;
  std::vector<std::string> entries;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, holdings_bytes& x) {
  return f(caf::meta::type_name("troupe.holdings_bytes"), x.customer_id, x.has_customer,
           x.customer, x.deliveries, x.dead_letters, x.events, x.profile, x.pending_sends,
           x.entries);
}

holdings_bytes to_bytes(std::string_view id, const customer_holdings& h);

/// The holdings back; `corruption` naming the record that does not parse.
result<customer_holdings> from_bytes(const holdings_bytes& b);

/// What an erasure removed from one store.
struct erased_records {
  bool customer = false;
  uint64_t deliveries = 0;
  uint64_t dead_letters = 0;
  uint64_t events = 0;
  bool profile = false;
  uint64_t journeys = 0; ///< pending sends and entries of triggered campaigns
  uint64_t total() const {
    return (customer ? 1 : 0) + deliveries + dead_letters + events + (profile ? 1 : 0)
           + journeys;
  }
  /// Adds what another erasure removed (another round, another member).
  erased_records& operator+=(const erased_records& other) {
    customer = customer || other.customer;
    deliveries += other.deliveries;
    dead_letters += other.dead_letters;
    events += other.events;
    profile = profile || other.profile;
    journeys += other.journeys;
    return *this;
  }
};

/// Crosses members as the answer to their part of an erasure.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, erased_records& x) {
  return f(caf::meta::type_name("troupe.erased_records"), x.customer, x.deliveries,
           x.dead_letters, x.events, x.profile, x.journeys);
}

/// The record of customer `id`; nullopt if there is none.
result<std::optional<v1::Customer>> read_customer(const store& db, std::string_view id);

/// Visits the customers of `shard` in key order after `after` (a cursor an
/// earlier visit gave; "" from the shard's start), each with its cursor and
/// its raw record bytes; `visit` returns false to stop.
status scan_shard_customers_raw(
  const store& db, uint32_t shard, std::string_view after,
  const std::function<bool(std::string_view cursor, std::string_view bytes)>& visit);

/// The customers in the store, every shard.
result<uint64_t> count_customers(const store& db);

/// RocksDB's estimate of the customers stored (cheap; for gauges and `nodes`).
uint64_t estimate_customers(const store& db);

/// Stores customer `c` (an import, a live actor saving its state).
status write_customer(store& db, const v1::Customer& c);

/// Adds customer `c` to `batch`.
void put_customer(const store& db, write_batch& batch, const v1::Customer& c);

/// Visits the customers of `shard` (every shard: nullopt) in key order;
/// `visit(c)` returns false to stop.
status scan_customers(const store& db, std::optional<uint32_t> shard,
                      const std::function<bool(const v1::Customer&)>& visit);

/// Visits the customers of the shards marked in `shards` (indexed by shard)
/// with one scan: one RocksDB iterator, so one consistent snapshot of them
/// all, however many shards. Records of other shards are skipped unparsed.
status scan_customers_of(const store& db, const std::vector<bool>& shards,
                         const std::function<bool(const v1::Customer&)>& visit);

/// The shard of customer `id` among `shard_count` (the store's own count:
/// `store::shard_of`).
uint32_t shard_of_customer(std::string_view id, uint32_t shard_count);

/// Every record of customer `id` in `db`. A record that does not parse is
/// `corruption`, naming its column and key.
result<customer_holdings> read_customer_records(const store& db, std::string_view id);

/// Adds the deletion of every record of customer `id` to `batch` and says
/// what it found; the caller writes the batch.
result<erased_records> erase_customer_records(const store& db, std::string_view id,
                                              write_batch& batch);

/// {"customer_id": ID, "customer": {...} or null, "deliveries": [...],
///  "dead_letters": [...], "events": [...], "profile": {...} or null,
///  "pending_sends": [...], "entries": [...]}, the records in the formats of
/// import and export.
std::string holdings_to_json(std::string_view id, const customer_holdings& h);

/// {"customer": bool, "deliveries": N, "dead_letters": N, "events": N, "profile": bool,
///  "journeys": N}
std::string erased_to_json(const erased_records& e);

} // namespace troupe::storage
