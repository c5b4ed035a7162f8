#pragma once
/// Fault injection as an operator writes it:
///   --fault-generate "failure-rate=0.2,latency-ms=50"    or "hang"
/// Keys: failure-rate (0..1), latency-ms (0..600000), hang (no value).

#include <string>

#include "common/error.hpp"

namespace troupe::config {

struct fault_spec {
  bool enabled = false;        ///< false: no fault provider at all
  double failure_rate = 0.0;
  unsigned latency_ms = 0;
  bool hang = false;
};

/// Parses `text` for option `option`; an empty text means no faults.
result<fault_spec> parse_fault_spec(const std::string& text, const std::string& option);

} // namespace troupe::config
