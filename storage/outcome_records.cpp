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
  batch.put(column::deliveries, keys::delivery(d.campaign_id(), d.customer_id()), d);
}

void put_dead_letter(write_batch& batch, const v1::DeadLetter& d) {
  batch.put(column::dead_letters, keys::delivery(d.campaign_id(), d.customer_id()), d);
}

void erase_dead_letter(write_batch& batch, std::string_view campaign, std::string_view customer) {
  batch.erase(column::dead_letters, keys::delivery(campaign, customer));
}

result<bool> has_delivery(const store& db, std::string_view campaign, std::string_view customer) {
  auto found = db.get_raw(column::deliveries, keys::delivery(campaign, customer));
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
