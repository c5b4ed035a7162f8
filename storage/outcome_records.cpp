#include "storage/outcome_records.hpp"

#include "storage/keys.hpp"

namespace troupe::storage {

namespace {

column column_of(outcome_kind kind) {
  return kind == outcome_kind::deliveries ? column::deliveries : column::dead_letters;
}

/// The key range [begin, end) of `campaign`'s records after cursor `after`.
std::pair<std::string, std::string> range_after(std::string_view campaign,
                                                std::string_view after) {
  auto prefix = keys::campaign_prefix(campaign);
  auto end = keys::prefix_end(prefix);
  if (after.empty())
    return {std::move(prefix), std::move(end)};
  std::string begin{after};
  begin.push_back('\0');
  return {std::move(begin), std::move(end)};
}

template <class Record>
status scan_typed(const store& db, outcome_kind kind, std::string_view campaign,
                  std::string_view after,
                  const std::function<bool(std::string_view, const Record&)>& visit) {
  auto [begin, end] = range_after(campaign, after);
  return db.scan<Record>(column_of(kind), begin, end, visit);
}

} // namespace

void put_delivery(write_batch& batch, const v1::Delivery& d) {
  batch.put(column::deliveries, keys::delivery_of(d), d);
}

void put_dead_letter(write_batch& batch, const v1::DeadLetter& d) {
  batch.put(column::dead_letters,
            keys::dead_letter_of(d.campaign_id(), d.customer_id(), d.occurrence()), d);
}

void erase_dead_letter(write_batch& batch, std::string_view campaign, std::string_view customer,
                       std::string_view occurrence) {
  batch.erase(column::dead_letters, keys::dead_letter_of(campaign, customer, occurrence));
}

result<bool> has_delivery(const store& db, std::string_view campaign, std::string_view customer) {
  auto key = keys::delivery(campaign, customer);
  auto found = db.get_raw(column::deliveries, key);
  if (!found)
    return found.err();
  if (found->has_value())
    return true;
  // A triggered campaign's, one per entry: the key and its occurrence.
  key.push_back('\0');
  bool any = false;
  auto st = db.scan_raw(column::deliveries, key, keys::prefix_end(key),
                        [&](std::string_view, std::string_view) {
                          any = true;
                          return false;
                        });
  if (!st)
    return st.err();
  return any;
}

result<bool> has_delivery_of(const store& db, std::string_view campaign,
                             std::string_view customer, std::string_view occurrence) {
  v1::Delivery d;
  d.set_campaign_id(std::string{campaign});
  d.set_customer_id(std::string{customer});
  d.set_occurrence(std::string{occurrence});
  auto found = db.get_raw(column::deliveries, keys::delivery_of(d));
  if (!found)
    return found.err();
  return found->has_value();
}

status scan_outcomes_raw(const store& db, outcome_kind kind, std::string_view campaign,
                         std::string_view after,
                         const std::function<bool(std::string_view, std::string_view)>& visit) {
  auto [begin, end] = range_after(campaign, after);
  return db.scan_raw(column_of(kind), begin, end, visit);
}

status scan_deliveries(const store& db, std::string_view campaign, std::string_view after,
                       const std::function<bool(std::string_view, const v1::Delivery&)>& visit) {
  return scan_typed<v1::Delivery>(db, outcome_kind::deliveries, campaign, after, visit);
}

status scan_dead_letters(const store& db, std::string_view campaign, std::string_view after,
                         const std::function<bool(std::string_view, const v1::DeadLetter&)>& visit) {
  return scan_typed<v1::DeadLetter>(db, outcome_kind::dead_letters, campaign, after, visit);
}

} // namespace troupe::storage
