// Fuzz target: the campaign spec parser (campaign::parse_campaign_spec),
// which `campaign create` hands the operator's JSON to, on every member.
//
// Invariants: a spec is taken or refused with "campaign spec: <why>"
// (UTF-8), never a crash or a throw; a spec taken keeps every limit (arms,
// names, weights, citations, window, channel and URL, a predicate that
// compiles); printed back to JSON it parses to the same spec.

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include <google/protobuf/util/message_differencer.h>
#include <nlohmann/json.hpp>

#include "campaign/spec.hpp"
#include "common/identifier.hpp"
#include "fuzz/check.hpp"
#include "segment/predicate.hpp"

using namespace troupe;

namespace {

std::vector<std::string> list(const google::protobuf::RepeatedPtrField<std::string>& items) {
  return {items.begin(), items.end()};
}

/// The spec as an operator would write it (every field spelled out).
std::string to_json(const v1::CampaignSpec& s) {
  nlohmann::json arms = nlohmann::json::array();
  for (const auto& a : s.arms())
    arms.push_back({{"name", a.name()}, {"weight", a.weight()}});
  nlohmann::json j{{"id", s.id()},
                   {"name", s.name()},
                   {"brief",
                    {{"product", s.brief().product()},
                     {"tone", s.brief().tone()},
                     {"features", list(s.brief().features())},
                     {"keywords", list(s.brief().keywords())}}},
                   {"segment", s.segment()},
                   {"arms", arms},
                   {"citations", s.citations()},
                   {"window", s.window()},
                   {"rate_limit", s.rate_limit()},
                   {"channel", s.channel()},
                   {"blocklist", list(s.blocklist())}};
  if (!s.webhook_url().empty())
    j["webhook_url"] = s.webhook_url();
  return j.dump();
}

void check_limits(const v1::CampaignSpec& s) {
  FUZZ_CHECK(valid_identifier(s.id()), "the id is an identifier");
  FUZZ_CHECK(!s.name().empty(), "a spec has a name");
  FUZZ_CHECK(s.arms_size() >= 1 && static_cast<size_t>(s.arms_size()) <= campaign::max_arms,
             "1 to max_arms arms");
  std::set<std::string> names;
  for (const auto& a : s.arms()) {
    FUZZ_CHECK(!a.name().empty() && a.name().size() <= campaign::max_arm_name_bytes,
               "an arm's name is within its limit");
    FUZZ_CHECK(names.insert(a.name()).second, "arm names are distinct");
    FUZZ_CHECK(a.weight() >= campaign::min_arm_weight && a.weight() <= campaign::max_arm_weight,
               "an arm's weight is within its range");
  }
  FUZZ_CHECK(s.citations() <= 20 && s.window() >= 1 && s.window() <= 100000,
             "citations and window within their ranges");
  FUZZ_CHECK(s.rate_limit() >= 0 && s.rate_limit() <= 1e9, "rate limit within its range");
  FUZZ_CHECK(s.channel() == "store" || s.channel() == "webhook", "a known channel");
  FUZZ_CHECK((s.channel() == "webhook") == !s.webhook_url().empty(),
             "a webhook URL exactly with the webhook channel");
  FUZZ_CHECK(segment::predicate::compile(s.segment()).ok(), "the segment compiles");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto spec = campaign::parse_campaign_spec(text);
  if (!spec) {
    const auto& m = spec.err().message();
    FUZZ_CHECK(m.rfind("campaign spec: ", 0) == 0 && m.size() > 15, "a refusal says why");
    FUZZ_CHECK(fuzz::is_utf8(m) || !fuzz::is_utf8(text), "a refusal of UTF-8 text is UTF-8");
    return 0;
  }
  check_limits(*spec);
  auto printed = to_json(*spec);
  auto again = campaign::parse_campaign_spec(printed);
  FUZZ_CHECK(again.ok(), "a printed spec parses");
  FUZZ_CHECK(google::protobuf::util::MessageDifferencer::Equals(*spec, *again),
             "a printed spec parses to itself");
  return 0;
}
