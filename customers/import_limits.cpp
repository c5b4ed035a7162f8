#include "customers/import_limits.hpp"

namespace troupe::customers {

namespace {

/// "<what> <value> <unit>, over the limit of <limit> (--<flag>)".
limit_breach over(const std::string& what, std::size_t value, const char* unit,
                  std::size_t limit, const char* flag) {
  if (value <= limit)
    return std::nullopt;
  return what + " " + std::to_string(value) + " " + unit + ", over the limit of "
         + std::to_string(limit) + " (--" + flag + ")";
}

limit_breach id_over(const char* field, const std::string& id,
                     const config::input_limits& limits) {
  return over(std::string{"field '"} + field + "' is", id.size(), "bytes", limits.max_id_bytes,
              "max-id-bytes");
}

} // namespace

limit_breach chunk_over_limit(const import_chunk& chunk, const config::input_limits& limits) {
  auto which = chunk.lines.empty() ? std::string{"the import chunk"}
                                   : "the import chunk of lines "
                                       + std::to_string(chunk.line_of(0)) + " to "
                                       + std::to_string(chunk.line_of(chunk.lines.size() - 1));
  std::size_t bytes = 0;
  for (const auto& line : chunk.lines)
    bytes += line.size() + 1;
  auto breach = over(which + " has", chunk.lines.size(), "lines", limits.max_chunk_lines,
                     "max-chunk-lines");
  if (!breach)
    breach = over(which + " is", bytes, "bytes", limits.max_chunk_bytes, "max-chunk-bytes");
  if (breach)
    *breach += "; nothing of it was applied";
  return breach;
}

limit_breach line_over_limit(std::string_view line, const config::input_limits& limits) {
  return over("the line is", line.size(), "bytes", limits.max_line_bytes, "max-line-bytes");
}

limit_breach customer_over_limit(const v1::Customer& c, const config::input_limits& limits) {
  if (auto id = id_over("id", c.id(), limits))
    return id;
  std::size_t values = static_cast<std::size_t>(c.categories_size());
  for (const auto& [name, value] : c.attributes())
    values += value.has_list() ? static_cast<std::size_t>(value.list().items_size()) : 1;
  return over("the customer has", values, "attributes and list items", limits.max_attributes,
              "max-attributes");
}

limit_breach document_over_limit(const v1::ContentDocument& d,
                                 const config::input_limits& limits) {
  return id_over("id", d.id(), limits);
}

limit_breach event_over_limit(const v1::Event& e, const config::input_limits& limits) {
  for (auto [field, id] : {std::pair{"customer_id", &e.customer_id()},
                           std::pair{"campaign_id", &e.campaign_id()},
                           std::pair{"id", &e.id()},
                           std::pair{"dedup_key", &e.dedup_key()}})
    if (auto breach = id_over(field, *id, limits))
      return breach;
  std::size_t values = 0;
  for (const auto& [name, value] : e.properties()) {
    if (auto breach = over("a property's name is", name.size(), "bytes", limits.max_id_bytes,
                           "max-id-bytes"))
      return breach;
    values += value.has_list() ? static_cast<std::size_t>(value.list().items_size()) : 1;
  }
  return over("the event has", values, "properties and list items", limits.max_attributes,
              "max-attributes");
}

void reject_line(import_result& out, uint64_t line, std::string reason) {
  ++out.rejected;
  if (out.errors.size() < max_errors_per_chunk)
    out.errors.push_back({line, std::move(reason)});
}

} // namespace troupe::customers
