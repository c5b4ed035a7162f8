#include "storage/profile_records.hpp"

#include "storage/keys.hpp"

namespace troupe::storage {

result<std::optional<v1::Profile>> read_profile(const store& db, std::string_view customer_id) {
  return db.get<v1::Profile>(column::profiles,
                             keys::profile(db.shard_of(customer_id), customer_id));
}

void put_profile(const store& db, write_batch& batch, const v1::Profile& p) {
  batch.put(column::profiles, keys::profile(db.shard_of(p.customer_id()), p.customer_id()), p);
}

void count_event(v1::Profile& p, const v1::Event& e) {
  if (p.customer_id().empty())
    p.set_customer_id(e.customer_id());
  auto& s = (*p.mutable_events())[e.type()];
  bool first_seen = s.count() == 0;
  s.set_count(s.count() + 1);
  if (first_seen || e.ts_ms() < s.first_ms())
    s.set_first_ms(e.ts_ms());
  if (first_seen || e.ts_ms() >= s.last_ms()) {
    s.set_last_ms(e.ts_ms());
    *s.mutable_last_properties() = e.properties();
  }
}

} // namespace troupe::storage
