#include "storage/column.hpp"

namespace troupe::storage {

std::string_view name_of(column c) {
  switch (c) {
    case column::customers: return "customers";
    case column::corpus: return "corpus";
    case column::campaigns: return "campaigns";
    case column::checkpoints: return "checkpoints";
    case column::deliveries: return "deliveries";
    case column::events: return "events";
    case column::audit: return "audit";
    case column::dead_letters: return "dead_letters";
    case column::metadata: return "metadata";
    case column::profiles: return "profiles";
    case column::timers: return "timers";
    case column::entries: return "entries";
  }
  return "unknown";
}

std::optional<column> column_of(uint32_t number) {
  if (number >= column_count)
    return std::nullopt;
  return static_cast<column>(number);
}

const std::array<column, column_count>& all_columns() {
  static const std::array<column, column_count> columns{
    column::customers,  column::corpus, column::campaigns,
    column::checkpoints, column::deliveries, column::events,
    column::audit,      column::dead_letters, column::metadata,
    column::profiles, column::timers, column::entries};
  return columns;
}

} // namespace troupe::storage
