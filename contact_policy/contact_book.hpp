#pragma once
/// The contacts a node's triggered campaigns are about to make, for
/// frequency caps: at most N messages per customer per channel per
/// calendar day in the customer's time zone, across campaigns. A runner
/// checks a cap and reserves a contact under the book's lock (reading the
/// stored count under it too), and counts its delivered contacts into the
/// store and releases its reservations under it: so two campaigns never
/// both take a customer's last message of the day, and no count is lost
/// between two writers. Thread-safe; one per node.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

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

private:
  std::mutex mutex_;
  std::map<contact, uint32_t> reserved_;
};

/// The decision of a cap: `stored` contacts written today, `reserved` on
/// their way, `cap` 0 for none.
inline bool cap_allows(uint32_t cap, uint64_t stored, uint64_t reserved) {
  return cap == 0 || stored + reserved < cap;
}

} // namespace troupe::contact_policy
