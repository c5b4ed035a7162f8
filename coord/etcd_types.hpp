#pragma once
/// The values the etcd client speaks in: keys and values as bytes
/// (std::string), revisions and lease ids as int64 (0 = none).

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace troupe::coord {

/// One key as etcd holds it.
struct key_value {
  std::string key;
  std::string value;
  int64_t create_revision = 0; ///< the revision that created it (0: absent)
  int64_t mod_revision = 0;    ///< the revision of its last write
  int64_t version = 0;         ///< writes since it was created (1 after the first)
  int64_t lease = 0;           ///< the lease it is attached to (0: none)
};

/// The keys a range found, at the store's `revision` when it was read.
struct range_reply {
  int64_t revision = 0;
  std::vector<key_value> kvs;
};

/// A condition of a transaction on one key. etcd names the relation
/// `result`; an absent key compares as version/create/mod revision 0.
struct compare {
  enum class target { version, create, mod, value, lease };
  enum class relation { equal, not_equal, greater, less };

  target what = target::version;
  relation how = relation::equal;
  std::string key;
  int64_t number = 0; ///< for version, create, mod, lease
  std::string value;  ///< for value
  /// Not empty: the compare holds for every key in [key, range_end) (none: it holds).
  std::string range_end;

  /// The key's last write was at `revision` (a compare-and-swap).
  static compare mod_revision_is(std::string key, int64_t revision);
  /// The key does not exist (create_revision == 0): create-if-absent.
  static compare absent(std::string key);
  /// The key holds exactly `value`.
  static compare value_is(std::string key, std::string value);
  /// The key is attached to lease `id` (0: to none).
  static compare lease_is(std::string key, int64_t id);
  /// No key starting with `prefix` was created after `revision`.
  static compare none_created_after(const std::string& prefix, int64_t revision);
};

/// One operation of a transaction's branch.
struct txn_op {
  enum class kind { range, put, erase };

  kind what = kind::range;
  std::string key;
  std::string range_end; ///< range/erase: [key, range_end); empty = the key alone
  std::string value;     ///< put
  int64_t lease = 0;     ///< put: attach to this lease (0: none)

  static txn_op get(std::string key);
  static txn_op range(std::string begin, std::string end);
  static txn_op prefix(std::string prefix);
  static txn_op put(std::string key, std::string value, int64_t lease = 0);
  static txn_op erase(std::string key);
  static txn_op erase_prefix(std::string prefix);
};

/// What a transaction did: which branch ran, the revision after it, and
/// one range_reply per range op of that branch, in order.
struct txn_reply {
  bool succeeded = false;
  int64_t revision = 0;
  std::vector<range_reply> ranges;
};

/// A granted lease: its id and the TTL etcd granted (may exceed the one
/// asked for: etcd raises a TTL to its minimum, 2 s with default timings).
struct lease {
  int64_t id = 0;
  std::chrono::seconds ttl{0};
};

/// The end of the range holding every key that starts with `prefix`: the
/// prefix with its last byte below 0xff incremented and what follows
/// dropped; "\0" (etcd: "to the end of the key space") when there is no
/// such byte (an empty prefix or all 0xff).
std::string prefix_end(const std::string& prefix);

} // namespace troupe::coord
