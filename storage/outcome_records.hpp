#pragma once
/// What a campaign did per customer: its deliveries (column `deliveries`)
/// and its dead letters (column `dead_letters`), both keyed by campaign id
/// + '\0' + customer id — the idempotency key: a customer is delivered (or
/// dead-lettered) at most once per campaign (a triggered campaign's: once
/// per entry, the key + '\0' + the entry's occurrence). This module owns those keys;
/// callers deal in records and in opaque page cursors. Blocking (RocksDB
/// I/O); a storage failure is a `storage_errc` error.

#include <functional>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "storage/store.hpp"
#include "troupe.pb.h"

namespace troupe::storage {

/// Adds `d` (under its campaign and customer id) to `batch`.
void put_delivery(write_batch& batch, const v1::Delivery& d);
/// Adds `d` (under its campaign and customer id) to `batch`.
void put_dead_letter(write_batch& batch, const v1::DeadLetter& d);
/// Adds the removal of the dead letter of `customer` in `campaign` (of a
/// triggered campaign: of its entry `occurrence`) to `batch`.
void erase_dead_letter(write_batch& batch, std::string_view campaign, std::string_view customer,
                       std::string_view occurrence = {});

/// True if `customer` has a delivery of `campaign`.
/// True if `customer` has a delivery of `campaign` (of a triggered
/// campaign: any of its entries').
result<bool> has_delivery(const store& db, std::string_view campaign, std::string_view customer);

/// True if the entry `occurrence` of `customer` into triggered campaign
/// `campaign` was delivered.
result<bool> has_delivery_of(const store& db, std::string_view campaign,
                             std::string_view customer, std::string_view occurrence);

enum class outcome_kind { deliveries, dead_letters };

/// Visits the records of one kind of `campaign` in customer id order, each
/// with its cursor: pass a cursor as `after` to go on after that record
/// ("" from the start). `visit` gets the raw bytes and returns false to stop.
status scan_outcomes_raw(const store& db, outcome_kind kind, std::string_view campaign,
                         std::string_view after,
                         const std::function<bool(std::string_view cursor,
                                                  std::string_view bytes)>& visit);

/// The typed forms of scan_outcomes_raw; a record that does not parse is
/// `corruption`.
status scan_deliveries(const store& db, std::string_view campaign, std::string_view after,
                       const std::function<bool(std::string_view cursor,
                                                const v1::Delivery&)>& visit);
status scan_dead_letters(const store& db, std::string_view campaign, std::string_view after,
                         const std::function<bool(std::string_view cursor,
                                                  const v1::DeadLetter&)>& visit);

} // namespace troupe::storage
