// actors/campaign_manager and campaign_runner over a real RocksDB: a
// campaign of 100,000 customers completes with exact counts and exactly one
// delivery per selected customer; pause, resume and cancel.

#include <set>

#include <caf/all.hpp>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "campaign/manager.hpp"
#include "campaign/contact_counts.hpp"
#include "contact_policy/contact_book.hpp"
#include "contact_policy/holdout.hpp"
#include "segment/predicate.hpp"
#include "storage/keys.hpp"
#include "customers/storage_actor.hpp"
#include "storage/corpus_versions.hpp"
#include "tests/campaign_fixture.hpp"
#include "tests/actor_test_support.hpp"
#include "tests/temp_dir.hpp"

using namespace troupe;
using namespace troupe::actors;
using namespace troupe::test;
using namespace troupe::campaign;
using namespace troupe::customers;
using namespace troupe::providers;
using namespace troupe::sharding;
using namespace std::chrono_literals;

namespace {

const char* predicate_text = default_predicate;

std::string spec_json(const std::string& id, unsigned window, double rate_limit = 0) {
  return R"({"id":")" + id + R"(","brief":{"product":"TrailLite","features":["light"]},)"
         + R"("segment":")" + predicate_text + R"(",)"
         + R"("arms":[{"name":"control","weight":1},{"name":"treatment","weight":3}],)"
         + R"("window":)" + std::to_string(window) + R"(,"rate_limit":)"
         + std::to_string(rate_limit) + "}";
}

/// A campaign citing one document, with its own blocklist.
std::string nlohmann_like_spec() {
  return R"({"id":"cited","brief":{"product":"TrailLite","features":["light"]},)"
         R"("segment":")" + std::string{predicate_text} + R"(",)"
         R"("arms":[{"name":"control","weight":1}],"citations":1,"blocklist":["miracle"]})";
}

class campaign_runner_test : public campaign_fixture {};

} // namespace

TEST_F(campaign_runner_test, a_campaign_over_100k_customers_completes_exactly_once) {
  populate(100'000);
  auto m = manager();
  {
    caf::scoped_actor self{*sys};
    auto created = call<campaign_status>(self, m, create_atom::value, spec_json("c1", 128));
    ASSERT_TRUE(created) << describe(created.error());
    EXPECT_EQ(created->state, campaign::campaign_state::created);
    auto dup = call<campaign_status>(self, m, create_atom::value, spec_json("c1", 128));
    ASSERT_FALSE(dup);
    EXPECT_EQ(describe(dup.error()), "campaign 'c1' exists already");
    auto started = call<campaign_status>(self, m, start_atom::value, std::string{"c1"});
    ASSERT_TRUE(started) << describe(started.error());
    EXPECT_EQ(started->total, 100'000u);
    auto s = wait_until_finished(self, m, "c1");
    EXPECT_EQ(s.state, campaign::campaign_state::completed);
    EXPECT_EQ(s.processed, 100'000u);
    EXPECT_EQ(s.in_segment, selected.size());
    EXPECT_EQ(s.delivered + s.blocked + s.failed, s.in_segment);
    EXPECT_EQ(s.skipped, 100'000u - selected.size());
    EXPECT_EQ(s.failed, 0u);
    EXPECT_GT(s.finished_at_ms, 0);
    // One delivery per selected customer, none for anyone else.
    auto ds = deliveries("c1");
    std::set<std::string> delivered;
    std::map<std::string, int> arms;
    for (auto& d : ds) {
      EXPECT_TRUE(delivered.insert(d.customer_id()).second) << d.customer_id();
      EXPECT_NE(d.subject().find("TrailLite"), std::string::npos);
      EXPECT_EQ(d.generator(), "template");
      ++arms[d.arm()];
    }
    EXPECT_EQ(delivered, selected);
    // Arms by weight 1:3 (a loose check; the exact assignment is tested elsewhere).
    EXPECT_NEAR(static_cast<double>(arms["treatment"]) / static_cast<double>(ds.size()), 0.75,
                0.03);
    // A completed campaign cannot start again.
    auto again = call<campaign_status>(self, m, start_atom::value, std::string{"c1"});
    EXPECT_FALSE(again);
  }
  stop_helpers();
}

TEST_F(campaign_runner_test, the_global_holdout_is_selected_and_sent_nothing) {
  populate(2'000);
  runner_opts.retry.holdout_basis_points = 1'000; // 10%
  auto m = manager();
  campaign_status s;
  {
    caf::scoped_actor self{*sys};
    auto created = call<campaign_status>(self, m, create_atom::value, spec_json("h", 64));
    auto started = call<campaign_status>(self, m, start_atom::value, std::string{"h"});
    EXPECT_TRUE(created && started);
    if (created && started)
      s = wait_until_finished(self, m, "h");
  }
  stop_helpers();
  EXPECT_EQ(s.state, campaign::campaign_state::completed);
  std::set<std::string> held;
  for (const auto& id : selected)
    if (contact_policy::held_out(id, 1'000))
      held.insert(id);
  ASSERT_FALSE(held.empty());
  EXPECT_EQ(s.in_segment, selected.size()) << "held out, and still in the segment";
  EXPECT_EQ(s.held_out, held.size());
  EXPECT_EQ(s.delivered + s.blocked + s.failed + s.held_out, s.in_segment);
  for (const auto& d : deliveries("h"))
    EXPECT_EQ(held.count(d.customer_id()), 0u) << d.customer_id() << " is held out";
}

TEST_F(campaign_runner_test, a_batch_campaign_counts_towards_the_cap_and_is_capped_by_it) {
  populate(2'000);
  runner_opts.contacts.frequency_cap = 1; // one message a day per customer and channel
  runner_opts.contacts.book = std::make_shared<contact_policy::contact_book>();
  auto m = manager();
  campaign_status first, second;
  {
    caf::scoped_actor self{*sys};
    for (auto [id, out] : {std::pair{"a", &first}, std::pair{"b", &second}}) {
      auto created = call<campaign_status>(self, m, create_atom::value, spec_json(id, 64));
      auto started = call<campaign_status>(self, m, start_atom::value, std::string{id});
      EXPECT_TRUE(created && started);
      if (created && started)
        *out = wait_until_finished(self, m, id);
    }
  }
  stop_helpers();
  EXPECT_EQ(first.state, campaign::campaign_state::completed);
  EXPECT_EQ(second.state, campaign::campaign_state::completed);
  ASSERT_GT(first.delivered, 0u);
  EXPECT_EQ(first.capped, 0u);
  // Each customer the first reached has had its message of the day: the
  // second caps them (recorded, neither sent nor failed); those the
  // safety stage blocked in the first had none and are judged the same.
  EXPECT_EQ(second.capped, first.delivered);
  EXPECT_EQ(second.delivered, 0u);
  EXPECT_EQ(second.blocked, first.blocked);
  EXPECT_EQ(second.failed, 0u);
  EXPECT_TRUE(deliveries("b").empty());
  auto today = contact_policy::time_zone{}.local_day(
    std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch())
      .count());
  std::size_t counted = 0;
  for (const auto& d : deliveries("a")) {
    auto stored = campaign::read_contacts(*db, d.customer_id(), "store");
    ASSERT_TRUE(stored.ok() && stored->has_value()) << d.customer_id();
    EXPECT_EQ(campaign::contacts_on(*stored, contact_policy::time_zone{}, today), 1u)
      << d.customer_id();
    ++counted;
  }
  EXPECT_EQ(counted, first.delivered);
}

TEST_F(campaign_runner_test, pause_resume_and_cancel) {
  populate(20'000);
  auto m = manager();
  {
    caf::scoped_actor self{*sys};
    // Slowed down by its rate limit so that it is still running when paused.
    ASSERT_TRUE(call<campaign_status>(self, m, create_atom::value, spec_json("slow", 8, 20'000)));
    ASSERT_TRUE(call<campaign_status>(self, m, create_atom::value, spec_json("gone", 8, 5'000)));
    ASSERT_TRUE(call<campaign_status>(self, m, start_atom::value, std::string{"slow"}));
    auto paused = call<campaign_status>(self, m, pause_atom::value, std::string{"slow"});
    ASSERT_TRUE(paused) << describe(paused.error());
    EXPECT_EQ(paused->state, campaign::campaign_state::paused);
    auto twice = call<campaign_status>(self, m, pause_atom::value, std::string{"slow"});
    ASSERT_FALSE(twice);
    EXPECT_EQ(describe(twice.error()), "campaign slow is paused: cannot pause");
    auto resumed = call<campaign_status>(self, m, resume_atom::value, std::string{"slow"});
    ASSERT_TRUE(resumed) << describe(resumed.error());
    EXPECT_EQ(resumed->state, campaign::campaign_state::running);
    auto s = wait_until_finished(self, m, "slow");
    EXPECT_EQ(s.state, campaign::campaign_state::completed);
    EXPECT_EQ(s.processed, 20'000u);
    EXPECT_EQ(s.in_segment, selected.size());
    EXPECT_EQ(deliveries("slow").size(), s.delivered);

    ASSERT_TRUE(call<campaign_status>(self, m, start_atom::value, std::string{"gone"}));
    auto cancelled = call<campaign_status>(self, m, cancel_atom::value, std::string{"gone"});
    ASSERT_TRUE(cancelled);
    EXPECT_EQ(cancelled->state, campaign::campaign_state::cancelled);
    auto after = wait_until_finished(self, m, "gone");
    EXPECT_EQ(after.state, campaign::campaign_state::cancelled);
    EXPECT_LT(after.processed, 20'000u);
    // The runner accounts for the customers still in flight, writes them
    // with the checkpoint and stops; from then on what the checkpoints say
    // was delivered is exactly what is stored.
    bool settled = false;
    for (int i = 0; i < 2'000 && !settled; ++i) {
      after = *call<campaign_status>(self, m, status_atom::value, std::string{"gone"});
      settled = deliveries("gone").size() == after.delivered;
    }
    EXPECT_TRUE(settled) << after.delivered << " delivered, " << deliveries("gone").size()
                         << " stored";
    auto unknown = call<campaign_status>(self, m, status_atom::value, std::string{"nope"});
    ASSERT_FALSE(unknown);
    EXPECT_EQ(describe(unknown.error()), "no campaign 'nope'");
  }
  stop_helpers();
}

TEST_F(campaign_runner_test, retrieval_cites_approved_documents_and_safety_blocks) {
  populate(5'000);
  // Give the customers categories, and a corpus: one approved document per
  // category, one of them carrying a blocked term, and an unapproved one
  // that matches everything.
  const char* categories[] = {"outdoor", "garden", "books"};
  storage::write_batch b;
  auto scanned = db->scan<v1::Customer>(storage::column::customers, "", "",
                                        [&](std::string_view key, const v1::Customer& c) {
                                          v1::Customer copy = c;
                                          auto n = std::stoi(c.id().substr(5));
                                          copy.add_categories(categories[n % 3]);
                                          b.put(storage::column::customers, key, copy);
                                          return true;
                                        });
  ASSERT_TRUE(scanned.ok());
  auto put_doc = [&](const std::string& id, const std::string& body, bool approved) {
    v1::ContentDocument d;
    d.set_id(id);
    d.set_title(id);
    d.set_body(body);
    d.set_approved(approved);
    b.put(storage::column::corpus, storage::document_key(1, id), d);
  };
  put_doc("doc-outdoor", "outdoor trails for every weekend", true);
  put_doc("doc-garden", "garden tools, a miracle for your plants", true);
  put_doc("doc-books", "books for quiet evenings", true);
  put_doc("doc-secret", "outdoor garden books outdoor garden books", false);
  ASSERT_TRUE(db->write(b).ok());
  ASSERT_EQ(*storage::begin_corpus_version(*db), 1u);
  ASSERT_TRUE(storage::commit_corpus_version(*db, 1).ok());
  auto m = manager();
  {
    caf::scoped_actor self{*sys};
    ASSERT_TRUE(create_and_start(self, m, nlohmann_like_spec(), "cited"));
    auto s = wait_until_finished(self, m, "cited");
    EXPECT_EQ(s.state, campaign::campaign_state::completed);
    EXPECT_EQ(s.in_segment, selected.size());
    EXPECT_GT(s.blocked, 0u);
    EXPECT_EQ(s.delivered + s.blocked, s.in_segment);
    for (auto& d : deliveries("cited")) {
      ASSERT_EQ(d.citations_size(), 1) << d.customer_id();
      auto n = std::stoi(d.customer_id().substr(5));
      EXPECT_EQ(d.citations(0), std::string{"doc-"} + categories[n % 3]);
      EXPECT_NE(d.citations(0), "doc-garden"); // those were blocked
      EXPECT_NE(d.body().find("[doc-"), std::string::npos) << d.body();
    }
    // Every customer whose one citation is the garden document was blocked.
    uint64_t garden = 0;
    for (auto& id : selected)
      garden += std::stoi(id.substr(5)) % 3 == 1 ? 1 : 0;
    EXPECT_EQ(s.blocked, garden);
  }
  stop_helpers();
}

TEST_F(campaign_runner_test, a_campaign_keeps_the_corpus_version_it_started_with) {
  populate(20'000);
  auto corpus = [&](const std::string& doc) {
    import_chunk chunk;
    chunk.kind = customers::import_kind::corpus; // version 0: a version of its own, committed at once
    chunk.lines = {R"({"id":")" + doc + R"(","title":"t","body":"light trail jacket",)"
                   R"("tags":[],"approved":true})"};
    auto r = import_lines(*db, *storage::local_writer_of(db), chunk);
    EXPECT_EQ(r.imported, 1u);
    return r.version;
  };
  EXPECT_EQ(corpus("doc-v1"), 1u);
  auto spec = [](const std::string& id, double rate) {
    return R"({"id":")" + id + R"(","brief":{"product":"TrailLite","keywords":["trail"]},)"
           + R"("segment":")" + std::string{predicate_text} + R"(",)"
           + R"("arms":[{"name":"control","weight":1}],"citations":1,"window":8,"rate_limit":)"
           + std::to_string(rate) + "}";
  };
  auto m = manager();
  caf::scoped_actor self{*sys};
  ASSERT_TRUE(call<campaign_status>(self, m, create_atom::value, spec("early", 20'000)));
  ASSERT_TRUE(call<campaign_status>(self, m, start_atom::value, std::string{"early"}));
  // A new corpus while "early" runs; then the node "restarts": a new manager
  // resumes "early" from its checkpoints.
  EXPECT_EQ(corpus("doc-v2"), 2u);
  caf::anon_send_exit(m, caf::exit_reason::user_shutdown);
  auto resumed = manager();
  ASSERT_TRUE(call<campaign_status>(self, resumed, create_atom::value, spec("late", 0)));
  ASSERT_TRUE(call<campaign_status>(self, resumed, start_atom::value, std::string{"late"}));
  auto early_status = wait_until_finished(self, resumed, "early");
  EXPECT_EQ(early_status.state, campaign::campaign_state::completed);
  EXPECT_EQ(early_status.processed, 20'000u);
  // One runner only: the old manager's runner died with it. (Customers in
  // flight at the kill, at most a batch and a window, are handled again.)
  double handled = 0;
  for (const auto& family : registry.Collect())
    if (family.name == "troupe_campaign_customers_total")
      for (const auto& metric : family.metric)
        for (const auto& label : metric.label)
          if (label.name == "campaign" && label.value == "early")
            handled += metric.counter.value;
  EXPECT_GE(handled, 20'000.0);
  EXPECT_LE(handled, 20'000.0 + 512 + 8);
  EXPECT_EQ(wait_until_finished(self, resumed, "late").state, campaign::campaign_state::completed);
  auto early = deliveries("early"), late = deliveries("late");
  EXPECT_EQ(early.size(), selected.size());
  EXPECT_EQ(late.size(), selected.size());
  for (const auto& d : early)
    ASSERT_EQ(d.citations(0), "doc-v1") << d.customer_id();
  for (const auto& d : late)
    ASSERT_EQ(d.citations(0), "doc-v2") << d.customer_id();
  stop_helpers();
}
