#include "campaign/unsubscribes.hpp"

#include "storage/trigger_records.hpp"

namespace troupe::campaign {

v1::JourneyEntries unsubscribe_mark(std::string_view customer_id, int64_t at_ms,
                                    uint64_t count) {
  v1::JourneyEntries e;
  e.set_campaign_id(std::string{unsubscribed_journey});
  e.set_customer_id(std::string{customer_id});
  e.set_count(count);
  e.set_last_ms(at_ms);
  return e;
}

result<bool> unsubscribed(const storage::store& db, std::string_view customer_id) {
  auto mark = storage::read_entries(db, unsubscribed_journey, customer_id);
  if (!mark)
    return mark.err();
  return mark->has_value();
}

std::function<result<bool>(std::string_view)>
unsubscribed_check(std::shared_ptr<const storage::store> db) {
  return [db = std::move(db)](std::string_view customer_id) {
    return unsubscribed(*db, customer_id);
  };
}

} // namespace troupe::campaign
