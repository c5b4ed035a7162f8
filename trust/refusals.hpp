#pragma once
/// Refused messages: counted by reason in `troupe_refused_messages_total
/// {reason}` and logged once per sender and reason (a peer that keeps
/// sending the same refused message fills neither the log nor memory: at
/// most `max_remembered` sender/reason pairs are remembered, then each
/// refusal is only counted). Any thread.
///
///   refusals r{registry};
///   r.refuse("not_a_member", "shell:alice", "127.0.0.1:50412", "handoff batch for shard 25");

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

namespace troupe::trust {

class refusals {
public:
  static constexpr size_t max_remembered = 4096;

  explicit refusals(prometheus::Registry& registry);

  /// Counts one refusal of `what` from `sender` (a name, or a CAF node id
  /// when the peer has none) at `address` for `reason` (a metric label: a
  /// short snake_case word from a fixed set), and logs it the first time.
  void refuse(std::string_view reason, const std::string& sender, const std::string& address,
              std::string_view what);

  /// Counts one refusal without a log line: for what CAF itself sends in
  /// the normal course (a shell's answer to the node's SpawnServ hello).
  void tally(std::string_view reason);

  /// How many refusals for `reason` so far.
  uint64_t count(std::string_view reason) const;

private:
  prometheus::Counter& series(std::string_view reason);

  prometheus::Family<prometheus::Counter>& family_;
  mutable std::mutex mtx_;
  std::map<std::string, prometheus::Counter*, std::less<>> by_reason_;
  std::set<std::pair<std::string, std::string>> logged_;
};

} // namespace troupe::trust
