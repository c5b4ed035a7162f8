// actors/arm_assignment: stable, and audiences follow the weights even for
// sequential customer ids (the sample-ratio check of the report passes).

#include <map>

#include <gtest/gtest.h>

#include "campaign/arm_assignment.hpp"
#include "experiment/statistics.hpp"

using namespace troupe;

namespace {

google::protobuf::RepeatedPtrField<v1::Arm> arms_of(std::vector<std::pair<std::string, double>> w) {
  google::protobuf::RepeatedPtrField<v1::Arm> arms;
  for (auto& [name, weight] : w) {
    auto* a = arms.Add();
    a->set_name(name);
    a->set_weight(weight);
  }
  return arms;
}

} // namespace

TEST(ArmAssignment, sequential_ids_split_by_weight_and_pass_the_sample_ratio_check) {
  for (auto weights : {std::vector<std::pair<std::string, double>>{{"control", 1}, {"t", 1}},
                       {{"control", 50}, {"a", 25}, {"b", 25}},
                       {{"control", 1}, {"treatment", 3}}}) {
    campaign::arm_assignment arms{arms_of(weights)};
    for (const char* campaign : {"spring-outdoor", "c1", "exp"}) {
      std::map<std::string, uint64_t> counts;
      for (int i = 0; i < 100'000; ++i)
        ++counts[arms.arm_of(campaign, "cust-" + std::to_string(i))];
      std::vector<uint64_t> observed;
      std::vector<double> w;
      for (auto& [name, weight] : weights) {
        observed.push_back(counts[name]);
        w.push_back(weight);
      }
      EXPECT_GT(experiment::sample_ratio_p_value(observed, w), 0.001)
        << campaign << ": " << observed[0] << " / " << observed[1];
    }
  }
}

TEST(ArmAssignment, the_same_customer_gets_the_same_arm_every_time) {
  campaign::arm_assignment a{arms_of({{"control", 1}, {"treatment", 1}})};
  campaign::arm_assignment b{arms_of({{"control", 1}, {"treatment", 1}})};
  int treatment = 0;
  for (int i = 0; i < 1000; ++i) {
    auto id = "c" + std::to_string(i);
    EXPECT_EQ(a.arm_of("spring", id), b.arm_of("spring", id));
    treatment += a.arm_of("spring", id) == "treatment" ? 1 : 0;
  }
  // Different campaigns split the same customers differently.
  int same = 0;
  for (int i = 0; i < 1000; ++i) {
    auto id = "c" + std::to_string(i);
    same += a.arm_of("spring", id) == a.arm_of("autumn", id) ? 1 : 0;
  }
  EXPECT_GT(treatment, 400);
  EXPECT_LT(same, 600);
}
