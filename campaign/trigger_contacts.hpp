#pragma once
/// A triggered campaign runner's side of the node's frequency cap
/// (contact_policy/contact_book): before a send, the cap's decision and a
/// contact reserved; after a batch, its delivered contacts counted into the
/// ledger's parts (their customers' pairs claimed), and once those parts
/// are written, the reservations released. One per runner, on its thread;
/// what it reserved is released when it goes, even mid-batch.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "campaign/ledger.hpp"
#include "campaign/runner.hpp"
#include "campaign/work_item.hpp"
#include "common/error.hpp"
#include "contact_policy/contact_book.hpp"
#include "contact_policy/time_zone.hpp"
#include "storage/store.hpp"

namespace troupe::campaign {

class trigger_contacts {
public:
  /// `rules`: the node's; `channel`: the campaign's.
  trigger_contacts(const contact_rules& rules, std::string channel);
  ~trigger_contacts();
  trigger_contacts(const trigger_contacts&) = delete;
  trigger_contacts& operator=(const trigger_contacts&) = delete;

  /// True while a cap is set (and contacts are counted).
  bool counting() const { return rules_.frequency_cap > 0 && rules_.book != nullptr; }

  /// The cap's word on one more message to `customer_id` (in `zone`) at
  /// `now_ms`: `allow` reserves a contact (`contact_at` is then `now_ms`);
  /// `wait` and `capped` reserve nothing. A read of the stored count that
  /// fails is returned as is.
  struct decision {
    contact_policy::cap_decision verdict = contact_policy::cap_decision::allow;
    std::optional<int64_t> contact_at;
  };
  result<decision> ask(const storage::store& db, const std::string& customer_id,
                       const contact_policy::time_zone& zone, int64_t now_ms);

  /// Claims the pairs of `b`'s delivered contacts and counts them into
  /// `records`' parts; a shard whose counts cannot be read goes in
  /// `refused` (its part is not to be written). The first such error is
  /// returned.
  status count(const storage::store& db, ledger& records, const work_batch& b,
               std::map<uint32_t, std::string>& refused);

  /// After `b`'s parts were written (or not): its reservations and claims go.
  void settle(const work_batch& b);

private:
  contact_policy::contact key_of(const work_item& w) const;

  const contact_rules& rules_;
  std::string channel_;
  std::multiset<contact_policy::contact> reserved_; ///< for items in flight
  std::set<contact_policy::contact_book::counted> claimed_;
};

} // namespace troupe::campaign
