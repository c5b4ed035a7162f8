#pragma once
/// Puts a customer into an experiment arm, the same on every node and every
/// run: h = FNV-1a 64 of (campaign id, '\0', customer id); u = the top 53
/// bits of h as a fraction in [0, 1); the arm is the first whose cumulative
/// weight exceeds u * (sum of weights).

#include <string>
#include <string_view>
#include <vector>

#include "troupe.pb.h"

namespace troupe::campaign {

class arm_assignment {
public:
  explicit arm_assignment(const google::protobuf::RepeatedPtrField<v1::Arm>& arms);

  const std::string& arm_of(std::string_view campaign_id, std::string_view customer_id) const;
  /// The position in the spec of arm_of's arm.
  std::size_t index_of(std::string_view campaign_id, std::string_view customer_id) const;
  /// The position in the spec of the arm named `name`; size() if none.
  std::size_t position_of(std::string_view name) const;
  std::size_t size() const { return names_.size(); }

private:
  std::vector<std::string> names_;
  std::vector<double> cumulative_;
};

} // namespace troupe::campaign
