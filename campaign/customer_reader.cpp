#include "campaign/customer_reader.hpp"

#include <optional>

#include <google/protobuf/arena.h>

#include "storage/customer_records.hpp"

namespace troupe::campaign {

result<customer_run> read_customers(const storage::store& db, uint32_t shard,
                                    const std::string& cursor, std::size_t want) {
  customer_run run;
  run.cursor = cursor;
  std::optional<std::string> unreadable;
  // The run's customers live in one arena, which each of them keeps alive
  // (aliasing shared_ptrs): parsed without a malloc per field, freed at
  // once when the last of them is done.
  auto arena = std::make_shared<google::protobuf::Arena>();
  auto scanned = storage::scan_shard_customers_raw(
    db, shard, cursor, [&](std::string_view key, std::string_view bytes) {
      auto* c = google::protobuf::Arena::CreateMessage<v1::Customer>(arena.get());
      if (!c->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
        unreadable = std::string{key};
        return false;
      }
      run.customers.emplace_back(arena, c);
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
