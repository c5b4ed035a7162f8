#include "config/input_limits.hpp"

#include <string>

#include "config/option_parser.hpp"

namespace troupe::config {

namespace po = boost::program_options;

void add_input_limit_options(po::options_description& desc) {
  input_limits d;
  auto dflt = [](std::size_t v) { return po::value<std::string>()->default_value(std::to_string(v)); };
  desc.add_options()
    ("max-line-bytes", dflt(d.max_line_bytes),
     "the longest line an import takes (customers, corpus, events); a longer "
     "one is refused by number, the others kept")
    ("max-id-bytes", dflt(d.max_id_bytes),
     "the longest id of a customer, document or event (and the ids an event names)")
    ("max-attributes", dflt(d.max_attributes),
     "a customer's extra fields plus the items of its lists, at most")
    ("max-chunk-bytes", dflt(d.max_chunk_bytes),
     "the largest import chunk (the shell sends 4 MiB or 1,000 lines at most); "
     "a larger one is refused whole")
    ("max-chunk-lines", dflt(d.max_chunk_lines), "the most lines in one import chunk")
    ("max-predicate-bytes", dflt(d.max_predicate_bytes),
     "the longest segment predicate a count or a campaign may give (at most 65536)")
    ("max-predicate-depth", dflt(d.max_predicate_depth),
     "the deepest nesting of parentheses and NOTs in a count's or a campaign's "
     "predicate (1 to 100)")
    ("max-events-body-bytes", dflt(d.max_events_body_bytes),
     "the largest body of a POST /v1/events (64 KiB to 64 MiB); a larger one is "
     "refused whole (413)")
    ("max-events-per-request", dflt(d.max_events_per_request),
     "the most events in one POST /v1/events (1 to 10000); more are refused "
     "whole (413)");
}

std::optional<std::string> predicate_over_limit(const std::string& predicate,
                                                const input_limits& limits) {
  if (predicate.size() <= limits.max_predicate_bytes)
    return std::nullopt;
  return "the predicate is " + std::to_string(predicate.size()) + " bytes, over the limit of "
         + std::to_string(limits.max_predicate_bytes) + " (--max-predicate-bytes)";
}

result<input_limits> input_limit_options(const po::variables_map& vm) {
  input_limits out;
  struct bound {
    const char* name;
    long long lowest;
    long long highest;
    std::size_t* into;
  };
  for (auto b : {bound{"max-line-bytes", 1 << 10, 64ll << 20, &out.max_line_bytes},
                 bound{"max-id-bytes", 16, 64 << 10, &out.max_id_bytes},
                 bound{"max-attributes", 1, 1'000'000, &out.max_attributes},
                 bound{"max-chunk-bytes", 64 << 10, 1ll << 30, &out.max_chunk_bytes},
                 bound{"max-chunk-lines", 1'000, 1'000'000, &out.max_chunk_lines},
                 bound{"max-predicate-bytes", 64, 64 << 10, &out.max_predicate_bytes},
                 bound{"max-predicate-depth", 1, 100, &out.max_predicate_depth},
                 bound{"max-events-body-bytes", 64 << 10, 64ll << 20,
                       &out.max_events_body_bytes},
                 bound{"max-events-per-request", 1, 10'000, &out.max_events_per_request}}) {
    auto v = detail::integer(vm, b.name, b.lowest, b.highest);
    if (!v)
      return v.err();
    *b.into = static_cast<std::size_t>(*v);
  }
  return out;
}

} // namespace troupe::config
