#include "campaign/customer_reader.hpp"

#include <optional>

#include "storage/customer_records.hpp"

namespace troupe::campaign {

result<customer_run> read_customers(const storage::store& db, uint32_t shard,
                                    const std::string& cursor, std::size_t want) {
  customer_run run;
  run.cursor = cursor;
  std::optional<std::string> unreadable;
  auto scanned = storage::scan_shard_customers_raw(
    db, shard, cursor, [&](std::string_view key, std::string_view bytes) {
      auto c = std::make_shared<v1::Customer>();
      if (!c->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
        unreadable = std::string{key};
        return false;
      }
      run.customers.push_back(std::move(c));
      run.cursor.assign(key.data(), key.size());
      return run.customers.size() < want;
    });
  if (!scanned) {
    const auto& e = scanned.err();
    return error{e.domain(), e.code(),
                 "cannot read shard " + std::to_string(shard) + ": " + e.message(),
                 e.retryable()};
  }
  if (unreadable)
    return storage::make_error(storage::storage_errc::corruption,
                               "shard " + std::to_string(shard) + ": the customer record at key '"
                                 + *unreadable + "' does not parse");
  return run;
}

} // namespace troupe::campaign
