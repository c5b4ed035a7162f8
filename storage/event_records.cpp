#include "storage/event_records.hpp"

#include "storage/keys.hpp"

namespace troupe::storage {

std::string event_identity(const v1::Event& e) { return keys::event(e); }

result<bool> has_event(const store& db, const v1::Event& e) {
  auto found = db.get_raw(column::events, keys::event(e));
  if (!found)
    return found.err();
  return found->has_value();
}

void put_event(write_batch& batch, const v1::Event& e) {
  batch.put(column::events, keys::event(e), e);
}

status scan_events(const store& db, std::string_view campaign,
                   const std::function<bool(const v1::Event&)>& visit) {
  auto prefix = keys::campaign_prefix(campaign);
  return db.scan<v1::Event>(column::events, prefix, keys::prefix_end(prefix),
                            [&](std::string_view, const v1::Event& e) { return visit(e); });
}

} // namespace troupe::storage
