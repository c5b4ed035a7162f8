#include "common/error.hpp"

namespace troupe {

const char* to_string(error_domain d) {
  switch (d) {
    case error_domain::none: return "none";
    case error_domain::config: return "config";
    case error_domain::storage: return "storage";
    case error_domain::cluster: return "cluster";
    case error_domain::runtime: return "runtime";
    case error_domain::actors: return "actors";
    case error_domain::segment: return "segment";
    case error_domain::campaign: return "campaign";
    case error_domain::customers: return "customers";
    case error_domain::shell: return "shell";
    case error_domain::trust: return "trust";
    case error_domain::coord: return "coord";
  }
  return "unknown";
}

} // namespace troupe
