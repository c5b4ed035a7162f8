#include "campaign/arm_assignment.hpp"

#include "storage/keys.hpp"

namespace troupe::campaign {

arm_assignment::arm_assignment(const google::protobuf::RepeatedPtrField<v1::Arm>& arms) {
  double sum = 0;
  for (const auto& a : arms) {
    sum += a.weight();
    names_.push_back(a.name());
    cumulative_.push_back(sum);
  }
}

namespace {

/// MurmurHash3's 64-bit finalizer: FNV-1a alone barely moves its top bits
/// when only the last characters differ (cust-1, cust-2, ...), which skews
/// arms taken from the top bits; after this every input bit reaches every
/// output bit.
uint64_t mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

std::size_t index_of_impl(const std::vector<double>& cumulative, uint64_t h) {
  double u = static_cast<double>(h >> 11) * (1.0 / 9007199254740992.0); // 2^53
  double target = u * cumulative.back();
  for (std::size_t i = 0; i < cumulative.size(); ++i)
    if (target < cumulative[i])
      return i;
  return cumulative.size() - 1;
}

} // namespace

std::size_t arm_assignment::index_of(std::string_view campaign_id,
                                     std::string_view customer_id) const {
  std::string key;
  key.reserve(campaign_id.size() + 1 + customer_id.size());
  key.append(campaign_id);
  key.push_back('\0');
  key.append(customer_id);
  return index_of_impl(cumulative_, mix(storage::keys::fnv1a(key)));
}

std::size_t arm_assignment::position_of(std::string_view name) const {
  std::size_t i = 0;
  while (i < names_.size() && names_[i] != name)
    ++i;
  return i;
}

const std::string& arm_assignment::arm_of(std::string_view campaign_id,
                                          std::string_view customer_id) const {
  return names_[index_of(campaign_id, customer_id)];
}

} // namespace troupe::campaign
