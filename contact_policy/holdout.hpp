#pragma once
/// The global holdout: a share of all customers that no campaign sends to,
/// so that what campaigns do can be measured against them. Membership is a
/// stable hash of the customer id (FNV-1a, 64 bits, salted): the same on
/// every node, every build and every run, so a customer stays in or out
/// while the share stands, and a larger share keeps every customer a
/// smaller one held out.

#include <cstdint>
#include <string_view>

namespace troupe::contact_policy {

/// Shares are in basis points: 10000 is everyone.
inline constexpr uint32_t all_basis_points = 10000;

/// The customer's place in the holdout order, 0..9999.
uint32_t holdout_rank(std::string_view customer_id);

/// True if a holdout of `basis_points` (0..10000) holds the customer out.
inline bool held_out(std::string_view customer_id, uint32_t basis_points) {
  return basis_points > 0 && holdout_rank(customer_id) < basis_points;
}

} // namespace troupe::contact_policy
