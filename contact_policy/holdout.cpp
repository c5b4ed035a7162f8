#include "contact_policy/holdout.hpp"

namespace troupe::contact_policy {

uint32_t holdout_rank(std::string_view customer_id) {
  // FNV-1a 64 over a salt and the id: defined byte by byte, so stable
  // everywhere (std::hash is not).
  uint64_t h = 14695981039346656037ull;
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
  };
  mix(std::string_view{"troupe.holdout", 15}); // with its '\0'
  mix(customer_id);
  // The high bits are the better mixed ones.
  return static_cast<uint32_t>((h >> 32) % all_basis_points);
}

} // namespace troupe::contact_policy
