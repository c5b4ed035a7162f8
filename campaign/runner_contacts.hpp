#pragma once
/// A campaign runner's side of the node's frequency cap
/// (contact_policy/contact_book): before a send, the cap's decision and a
/// contact reserved; after a run of finished items, their delivered
/// contacts counted into the ledger's parts (their customers' pairs
/// claimed), and once those parts are written, the reservations released.
///
/// A triggered campaign's runner asks before it sends a customer through
/// its pipeline (`ask`); a batch campaign's segment stage asks once the
/// customer is selected and not held out (`gate`), on the stage's thread:
/// so it is thread-safe, shared by the runner and its stage. Whatever it
/// reserved is released when the last of them lets go, even mid-batch.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
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

class runner_contacts {
public:
  /// `rules`: the node's; `channel`: the campaign's.
  runner_contacts(std::shared_ptr<const storage::store> db, contact_rules rules,
                  std::string channel);
  ~runner_contacts();
  runner_contacts(const runner_contacts&) = delete;
  runner_contacts& operator=(const runner_contacts&) = delete;

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
  result<decision> ask(const std::string& customer_id, const contact_policy::time_zone& zone,
                       int64_t now_ms);

  /// A batch campaign's selected customer: allowed (a contact reserved,
  /// `w.contact_at` set), or settled as `capped`. Contacts on their way
  /// that could go either way are waited for up to `gate_waits` times
  /// `gate_wait` (on the caller's thread); then the customer is capped
  /// (never one message too many). A count that cannot be read fails the
  /// item, naming why.
  void gate(work_item& w);
  static constexpr int gate_waits = 50;
  static constexpr std::chrono::milliseconds gate_wait{20};

  /// Claims the pairs of `b`'s delivered contacts and counts them into
  /// `records`' parts; a shard whose counts cannot be read goes in
  /// `refused` (its part is not to be written). The first such error is
  /// returned.
  status count(ledger& records, const work_batch& b, std::map<uint32_t, std::string>& refused);

  /// After `b`'s parts were written (or not, or dropped): its reservations
  /// and claims go.
  void settle(const work_batch& b);

  /// Now, by the rules' clock.
  int64_t now() const;

private:
  contact_policy::contact key_of(const work_item& w) const;

  std::shared_ptr<const storage::store> db_;
  contact_rules rules_;
  std::string channel_;
  std::mutex mutex_; ///< guards reserved_ and claimed_
  std::multiset<contact_policy::contact> reserved_; ///< for items in flight
  std::set<contact_policy::contact_book::counted> claimed_;
};

} // namespace troupe::campaign
