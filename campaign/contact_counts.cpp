#include "campaign/contact_counts.hpp"

#include <algorithm>

#include "storage/trigger_records.hpp"

namespace troupe::campaign {

std::string contacts_journey(std::string_view channel) {
  return "@" + std::string{channel.empty() ? std::string_view{"store"} : channel};
}

contact_policy::time_zone zone_of(const v1::Customer& c) {
  auto it = c.attributes().find(contact_policy::timezone_attribute);
  if (it == c.attributes().end() || !it->second.has_text())
    return {};
  auto z = contact_policy::time_zone::find(it->second.text());
  return z ? *z : contact_policy::time_zone{};
}

result<std::optional<v1::JourneyEntries>> read_contacts(const storage::store& db,
                                                        std::string_view customer_id,
                                                        std::string_view channel) {
  return storage::read_entries(db, contacts_journey(channel), customer_id);
}

uint64_t contacts_on(const std::optional<v1::JourneyEntries>& stored,
                     const contact_policy::time_zone& zone, int64_t day) {
  if (!stored || zone.local_day(stored->last_ms()) != day)
    return 0;
  return stored->count();
}

v1::JourneyEntries add_contacts(std::optional<v1::JourneyEntries> stored,
                                std::string_view customer_id, std::string_view channel,
                                const contact_policy::time_zone& zone, uint64_t n,
                                int64_t at_ms) {
  auto day = zone.local_day(at_ms);
  if (stored && zone.local_day(stored->last_ms()) > day)
    return std::move(*stored);
  v1::JourneyEntries out;
  out.set_campaign_id(contacts_journey(channel));
  out.set_customer_id(std::string{customer_id});
  out.set_count(contacts_on(stored, zone, day) + n);
  out.set_last_ms(stored ? std::max(stored->last_ms(), at_ms) : at_ms);
  return out;
}

} // namespace troupe::campaign
