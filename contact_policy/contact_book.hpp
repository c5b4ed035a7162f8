#pragma once
/// The contacts a node's triggered campaigns are about to make, for
/// frequency caps: at most N messages per customer per channel per
/// calendar day in the customer's time zone, across campaigns. A runner
/// checks a cap and reserves a contact under the book's lock (reading the
/// stored count under it too); it counts its delivered contacts into the
/// store having claimed their (customer, channel) pairs, so that no two
/// writers count the same pair at once and no count is lost, and releases
/// its reservations once that write is done: so two campaigns never both
/// take a customer's last message of the day. Thread-safe; one per node.

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <utility>

namespace troupe::contact_policy {

/// A message to a customer on a channel on a local calendar day.
struct contact {
  std::string customer_id;
  std::string channel;
  int64_t day = 0; ///< days since 1970-01-01 in the customer's zone

  bool operator<(const contact& o) const {
    return std::tie(customer_id, channel, day) < std::tie(o.customer_id, o.channel, o.day);
  }
};

class contact_book {
public:
  /// Held while a cap is checked or contacts are written.
  std::unique_lock<std::mutex> lock() { return std::unique_lock<std::mutex>{mutex_}; }

  /// Contacts reserved and not yet written or released (the lock held).
  uint32_t reserved(const contact& c) const;
  void reserve(const contact& c);
  void release(const contact& c);

  /// Reservations held, all contacts together (the lock held).
  std::size_t size() const;

  /// A customer on a channel, whose stored count one writer updates at a time.
  using counted = std::pair<std::string, std::string>;
  /// Waits until no other writer holds any of `pairs`, then holds them
  /// all (at once: no writer holds some while waiting for others). Not
  /// with the lock held.
  void claim(const std::set<counted>& pairs);
  void unclaim(const std::set<counted>& pairs);

private:
  std::mutex mutex_;
  std::condition_variable unclaimed_;
  std::map<contact, uint32_t> reserved_;
  std::set<counted> claimed_;
};

/// What a cap decides for one more contact.
enum class cap_decision {
  allow,   ///< under the cap with every contact on its way: reserve it
  wait,    ///< contacts on their way may reach the cap, or may fail: ask again later
  capped,  ///< the cap is reached by contacts made: not sent today
};

/// `stored` contacts written today, `reserved` on their way, `cap` 0 for none.
inline cap_decision decide_cap(uint32_t cap, uint64_t stored, uint64_t reserved) {
  if (cap == 0 || stored + reserved < cap)
    return cap_decision::allow;
  return stored >= cap ? cap_decision::capped : cap_decision::wait;
}

} // namespace troupe::contact_policy
