// Events and the experiment report over a real RocksDB: ingest counts
// duplicates, unmatched and bad lines; the report's per-arm counts match
// what the store holds, its statistics match scipy computed on the same
// counts, and --by breaks the audience down without losing anyone.

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "campaign/report.hpp"
#include "campaign/report_statistics.hpp"
#include "customers/event_ingest.hpp"
#include "storage/customer_records.hpp"
#include "tests/campaign_fixture.hpp"

using namespace troupe;
using namespace troupe::actors;
using namespace troupe::test;
using namespace troupe::campaign;
using namespace troupe::customers;

namespace {

int number_of(const std::string& customer_id) { return std::stoi(customer_id.substr(5)); }

/// z, p, ci_low, ci_high of two proportions and the SRM p-value, from scipy.
std::vector<double> scipy_reference(uint64_t xc, uint64_t nc, uint64_t xt, uint64_t nt,
                                    uint64_t audience_c, uint64_t audience_t) {
  std::ostringstream script;
  // Debian's interpreter, where python3-scipy installs (not a pyenv one).
  script << "/usr/bin/python3 -c \"\n"
            "from scipy import stats\n"
            "import math\n"
         << "xc,nc,xt,nt,ac,at=" << xc << "," << nc << "," << xt << "," << nt << ","
         << audience_c << "," << audience_t << "\n"
         << "pc,pt=xc/nc,xt/nt\n"
            "p=(xc+xt)/(nc+nt)\n"
            "z=(pt-pc)/math.sqrt(p*(1-p)*(1/nc+1/nt))\n"
            "pv=2*stats.norm.sf(abs(z))\n"
            "se=math.sqrt(pc*(1-pc)/nc+pt*(1-pt)/nt)\n"
            "q=stats.norm.ppf(0.975)\n"
            "srm=stats.chisquare([ac,at],f_exp=[(ac+at)/2,(ac+at)/2]).pvalue\n"
            "print(repr(z),repr(pv),repr(pt-pc-q*se),repr(pt-pc+q*se),repr(srm))\n\"";
  std::vector<double> out;
  FILE* pipe = ::popen(script.str().c_str(), "r");
  if (pipe == nullptr)
    return out;
  double v;
  while (std::fscanf(pipe, "%lf", &v) == 1)
    out.push_back(v);
  ::pclose(pipe);
  return out;
}

class campaign_report_test : public campaign_fixture {};

} // namespace

TEST_F(campaign_report_test, events_then_report_per_arm_and_by_region) {
  populate(20'000);
  auto m = manager();
  // Name7 is blocked: the template names the customer in the subject.
  auto spec = std::string{R"({"id":"exp","brief":{"product":"TrailLite"},"segment":")"}
              + default_predicate
              + R"(","arms":[{"name":"control","weight":1},{"name":"treatment","weight":1}],)"
                R"("blocklist":["Name7"]})";
  ASSERT_EQ(run_to_end(m, spec, "exp").state, campaign::campaign_state::completed);
  stop_helpers();

  // Conversions an hour after the messages: 1 in 19 control customers, 1
  // in 11 treatment customers, each worth its customer's number.
  auto after = std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count()
                              + 3'600'000);
  std::map<std::string, std::string> arm_of;
  for (const auto& d : deliveries("exp"))
    arm_of[d.customer_id()] = d.arm();
  import_chunk chunk;
  chunk.kind = customers::import_kind::events;
  std::map<std::string, uint64_t> converted; // by arm
  std::map<std::string, double> revenue;      // by arm
  uint64_t early = 0;                         // before the message: outside the window
  for (const auto& [id, arm] : arm_of) {
    int every = arm == "control" ? 19 : 11;
    if (number_of(id) % 23 == 5) { // converted the day before: not the message's doing
      ++early;
      chunk.lines.push_back(R"({"customer_id":")" + id
                            + R"(","campaign_id":"exp","type":"conversion","ts":"2020-01-02T00:00:00Z"})");
    }
    if (number_of(id) % every != 1)
      continue;
    ++converted[arm];
    revenue[arm] += number_of(id);
    auto line = R"({"customer_id":")" + id + R"(","campaign_id":"exp","type":"conversion",)"
                + R"("ts":)" + after + R"(,"value":)" + std::to_string(number_of(id))
                + R"(,"id":"e-)" + id + "\"}";
    chunk.lines.push_back(line);
    chunk.lines.push_back(line); // sent twice: one event
  }
  chunk.lines.push_back(R"({"customer_id":"cust-1","campaign_id":"exp","type":"click","ts":1})");
  std::string never_delivered;
  for (const auto& id : selected)
    never_delivered = arm_of.count(id) == 0 ? id : never_delivered;
  ASSERT_FALSE(never_delivered.empty()); // a blocked one
  chunk.lines.push_back(R"({"customer_id":")" + never_delivered
                        + R"(","campaign_id":"exp","type":"conversion","ts":5})");
  chunk.lines.push_back(R"({"customer_id":"cust-2","campaign_id":"exp","type":"Purchase!","ts":1})");
  chunk.lines.push_back("{not json");
  auto writer = storage::local_writer_of(db);
  auto ingested = ingest_events(*db, *writer, chunk);
  uint64_t conversions = converted["control"] + converted["treatment"];
  EXPECT_EQ(ingested.imported, conversions + early + 2);
  EXPECT_EQ(ingested.duplicates, conversions);
  EXPECT_EQ(ingested.unmatched, 2u); // cust-1 (not selected) and the blocked one
  EXPECT_EQ(ingested.rejected, 2u);
  ASSERT_EQ(ingested.errors.size(), 2u);
  EXPECT_NE(ingested.errors[0].reason.find("'type' must be a name of lower-case letters"),
            std::string::npos);
  // Ingesting the same file again stores nothing new.
  auto again = ingest_events(*db, *writer, chunk);
  EXPECT_EQ(again.imported, 0u);
  EXPECT_EQ(again.duplicates, ingested.imported + ingested.duplicates);

  auto r = build_report(*db, "exp", {});
  ASSERT_TRUE(r.ok()) << r.err().message();
  compute_statistics(*r);
  EXPECT_EQ(r->events, conversions + early + 1);
  EXPECT_EQ(r->attribution_window_ms, int64_t{7} * 24 * 3600 * 1000);
  ASSERT_EQ(r->groups.size(), 1u);
  const auto& arms = r->groups[0].arms;
  ASSERT_EQ(arms.size(), 2u);
  uint64_t audience = 0, blocked = 0, outside = 0;
  for (const auto& a : arms) {
    uint64_t delivered = 0;
    for (const auto& [id, arm] : arm_of)
      delivered += arm == a.name ? 1 : 0;
    EXPECT_EQ(a.delivered, delivered) << a.name;
    EXPECT_EQ(a.conversions, converted[a.name]) << a.name;
    EXPECT_DOUBLE_EQ(a.revenue, revenue[a.name]) << a.name;
    outside += a.outside_window;
    EXPECT_EQ(a.audience, a.delivered + a.blocked + a.failed);
    audience += a.audience;
    blocked += a.blocked;
  }
  EXPECT_EQ(audience, selected.size());
  EXPECT_EQ(outside, early);
  ASSERT_GT(early, 0u);
  uint64_t names7 = 0;
  for (const auto& id : selected)
    names7 += number_of(id) % 97 == 7 ? 1 : 0;
  EXPECT_EQ(blocked, names7);
  EXPECT_EQ(r->unmatched_events, 1u); // the blocked customer's conversion
  EXPECT_TRUE(arms[0].control);
  EXPECT_TRUE(std::isnan(arms[0].z));
  auto ref = scipy_reference(arms[0].conversions, arms[0].delivered, arms[1].conversions,
                             arms[1].delivered, arms[0].audience, arms[1].audience);
  ASSERT_EQ(ref.size(), 5u) << "python3 with scipy is needed (scripts/setup installs it)";
  EXPECT_NEAR(arms[1].z, ref[0], 1e-6);
  EXPECT_NEAR(arms[1].p_value, ref[1], 1e-6);
  EXPECT_NEAR(arms[1].ci_low, ref[2], 1e-6);
  EXPECT_NEAR(arms[1].ci_high, ref[3], 1e-6);
  EXPECT_NEAR(r->groups[0].srm_p_value, ref[4], 1e-6);
  EXPECT_NEAR(arms[1].rate, static_cast<double>(converted["treatment"])
                              / static_cast<double>(arms[1].delivered), 1e-12);
  EXPECT_LT(arms[1].p_value, 0.05); // 9% against 5% over ~1,500 customers each

  // By region: one group per region, adding up to the whole.
  auto by = build_report(*db, "exp", {"region", ""});
  ASSERT_TRUE(by.ok()) << by.err().message();
  compute_statistics(*by);
  ASSERT_EQ(by->groups.size(), 3u); // all, CA, NY
  EXPECT_EQ(by->groups[1].value, "CA");
  EXPECT_EQ(by->groups[2].value, "NY");
  for (std::size_t arm = 0; arm < 2; ++arm) {
    EXPECT_EQ(by->groups[1].arms[arm].audience + by->groups[2].arms[arm].audience,
              arms[arm].audience);
    EXPECT_EQ(by->groups[1].arms[arm].conversions + by->groups[2].arms[arm].conversions,
              arms[arm].conversions);
  }
  auto typo = build_report(*db, "exp", {"regoin", ""});
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.err().message().find("no customer of the campaign has a field 'regoin'"),
            std::string::npos);
  auto none = build_report(*db, "nope", {});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.err().message(), "no campaign 'nope'");

  // CUPED by a number attribute: finite sums only (CAF cannot carry an
  // infinity), and names bounded.
  auto cuped = build_report(*db, "exp", {"", "order_count"});
  ASSERT_TRUE(cuped.ok()) << cuped.err().message();
  EXPECT_TRUE(cuped->covariate_seen);
  auto some = storage::read_customer(*db, arm_of.begin()->first);
  ASSERT_TRUE(some.ok() && some->has_value());
  auto huge = **some;
  (*huge.mutable_attributes())["big"].set_number(1e200);
  ASSERT_TRUE(storage::write_customer(*db, huge).ok());
  auto refused = build_report(*db, "exp", {"", "big"});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.err().message().find("beyond +-1e15"), std::string::npos)
    << refused.err().message();
  auto text = build_report(*db, "exp", {"", "region"});
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.err().message().find("not a number field"), std::string::npos);
  auto control = build_report(*db, "exp", {"reg\nion", ""});
  ASSERT_FALSE(control.ok());
  EXPECT_NE(control.err().message().find("control characters"), std::string::npos);
  std::size_t tagged = 0; // a value per customer, for more customers than groups allowed
  for (auto it = arm_of.begin(); it != arm_of.end() && tagged <= max_report_groups;
       ++it, ++tagged) {
    auto c = storage::read_customer(*db, it->first);
    ASSERT_TRUE(c.ok() && c->has_value());
    auto tagged_customer = **c;
    (*tagged_customer.mutable_attributes())["uid"].set_text(it->first);
    ASSERT_TRUE(storage::write_customer(*db, tagged_customer).ok());
  }
  ASSERT_GT(tagged, max_report_groups);
  auto many = build_report(*db, "exp", {"uid", ""});
  ASSERT_FALSE(many.ok());
  EXPECT_NE(many.err().message().find("more than 1000 values"), std::string::npos)
    << many.err().message();
}

TEST(campaign_report_merge_test, members_parts_add_up_group_by_group) {
  auto part = [](uint64_t delivered, uint64_t conversions, double revenue,
                 std::vector<std::string> values) {
    campaign_report r;
    r.campaign_id = "exp";
    r.state = "completed";
    r.by = "region";
    r.events = conversions;
    for (auto& v : values) {
      report_group g;
      g.value = v;
      for (auto name : {"control", "variant"}) {
        arm_result a;
        a.name = name;
        a.delivered = delivered;
        a.audience = delivered + 1;
        a.conversions = conversions;
        a.revenue = revenue;
        a.revenue_sq = revenue * revenue;
        g.arms.push_back(a);
      }
      g.global_holdout.held = 2;
      r.groups.push_back(g);
    }
    return r;
  };
  auto a = part(10, 2, 5.0, {"", "CA"});
  auto b = part(20, 3, 7.0, {"", "NY"});
  b.state = "running";
  auto merged = merge_reports({a, b});
  ASSERT_TRUE(merged.ok()) << merged.err().message();
  EXPECT_EQ(merged->state, "running");
  EXPECT_EQ(merged->events, 5u);
  ASSERT_EQ(merged->groups.size(), 3u); // all, CA, NY
  EXPECT_EQ(merged->groups[0].value, "");
  EXPECT_EQ(merged->groups[0].arms[1].delivered, 30u);
  EXPECT_EQ(merged->groups[0].arms[1].audience, 32u);
  EXPECT_EQ(merged->groups[0].arms[1].conversions, 5u);
  EXPECT_DOUBLE_EQ(merged->groups[0].arms[1].revenue, 12.0);
  EXPECT_DOUBLE_EQ(merged->groups[0].arms[1].revenue_sq, 74.0);
  EXPECT_EQ(merged->groups[0].global_holdout.held, 4u);
  EXPECT_EQ(merged->groups[1].value, "CA");
  EXPECT_EQ(merged->groups[1].arms[0].delivered, 10u);
  EXPECT_EQ(merged->groups[2].arms[0].delivered, 20u);

  auto other = part(1, 0, 0, {""});
  other.groups[0].arms[1].name = "other";
  auto refused = merge_reports({a, other});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.err().message().find("different arms"), std::string::npos);
  EXPECT_FALSE(merge_reports({}).ok());
}
