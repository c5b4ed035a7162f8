#pragma once
/// The fixture of the in-process campaign tests: a real RocksDB with
/// generated customers, a campaign manager with the template generator (and
/// a webhook channel when the test sets one), and helpers to wait for a
/// campaign and read its deliveries straight from the store.

#include <set>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <gtest/gtest.h>

#include "actors/handle_slot.hpp"
#include "campaign/manager.hpp"
#include "segment/predicate.hpp"
#include "storage/keys.hpp"
#include "storage/shard_writer.hpp"
#include "tests/actor_fixture.hpp"
#include "tests/actor_test_support.hpp"

namespace troupe::test {

inline const char* default_predicate =
  "marketing_opt_in AND order_count >= 3 AND region IN ('CA','NY')";

class campaign_fixture : public store_actor_fixture {
protected:
  std::set<std::string> selected; ///< ids the predicate selects
  /// The webhook channel the campaigns use (none by default).
  providers::delivery_provider deliverer;
  /// Where the campaigns look up their generator at each call, when a test
  /// sets it (a test that restarts the generator); else a template generator.
  std::shared_ptr<actors::handle_slot<providers::generation_provider>> generator_slot;
  /// Options of the campaigns' runners (retries, batch size).
  campaign::runner_options runner_opts;
  /// Where the manager's runners write (null: a local writer on `db`).
  std::shared_ptr<storage::shard_writer> writer;
  /// Where its triggered campaigns arm themselves (null: a book of its own).
  std::shared_ptr<campaign::trigger_book> triggers;

  /// Stores `n` customers cust-0.. with varied fields; `selected` gets the
  /// ids `predicate_text` selects.
  void populate(int n, const std::string& predicate_text = default_predicate) {
    auto p = segment::predicate::compile(predicate_text);
    ASSERT_TRUE(p.ok());
    const char* regions[] = {"CA", "NY", "TX", "WA"};
    storage::write_batch b;
    for (int i = 0; i < n; ++i) {
      v1::Customer c;
      c.set_id("cust-" + std::to_string(i));
      c.set_first_name("Name" + std::to_string(i % 97));
      c.set_region(regions[i % 4]);
      if (i % 5 != 0)
        c.set_marketing_opt_in(i % 3 != 0);
      c.set_order_count(i % 7);
      if (p->selects(c))
        selected.insert(c.id());
      b.put(storage::column::customers, storage::keys::customer(db->shard_of(c.id()), c.id()), c);
      if (b.size() == 10'000) {
        ASSERT_TRUE(db->write(b).ok());
      }
    }
    ASSERT_TRUE(db->write(b).ok());
  }

  campaign::campaign_manager_actor manager() {
    campaign::campaign_manager_config c;
    c.db = db;
    c.writer = writer ? writer : storage::local_writer_of(db);
    c.runner = runner_opts;
    if (generator_slot) {
      c.generator = [slot = generator_slot] { return slot->get(); };
    } else {
      auto generator = providers::spawn_template_generator(*sys);
      helpers.push_back(caf::actor_cast<caf::actor>(generator));
      c.generator = [generator] { return generator; };
    }
    auto d = deliverer;
    c.deliverer = [d] { return d; };
    c.metrics = std::make_shared<campaign::campaign_metrics>(registry);
    c.triggers = triggers;
    auto m = campaign::spawn_campaign_manager(*sys, c);
    helpers.push_back(caf::actor_cast<caf::actor>(m));
    return m;
  }

  campaign::campaign_status wait_until_finished(caf::scoped_actor& self,
                                              const campaign::campaign_manager_actor& m,
                                      const std::string& id) {
    campaign::campaign_status s;
    for (int i = 0; i < 600'000; ++i) {
      auto r = call<campaign::campaign_status>(self, m, actors::status_atom::value, id);
      EXPECT_TRUE(r) << actors::describe(r.error());
      if (!r)
        break;
      s = *r;
      if (campaign::is_final(s.state))
        break;
    }
    return s;
  }

  /// Creates campaign `id` from `spec` and starts it; a failure names the
  /// step and the manager's error.
  ::testing::AssertionResult create_and_start(caf::scoped_actor& self,
                                              const campaign::campaign_manager_actor& m,
                                              const std::string& spec, const std::string& id) {
    auto created = call<campaign::campaign_status>(self, m, actors::create_atom::value, spec);
    if (!created)
      return ::testing::AssertionFailure()
             << "create " << id << ": " << actors::describe(created.error());
    auto started = call<campaign::campaign_status>(self, m, actors::start_atom::value, id);
    if (!started)
      return ::testing::AssertionFailure()
             << "start " << id << ": " << actors::describe(started.error());
    return ::testing::AssertionSuccess();
  }

  /// create_and_start, then its status once it has ended; a default status
  /// (state created) after a test failure when it did not start.
  campaign::campaign_status run_to_end(const campaign::campaign_manager_actor& m,
                                       const std::string& spec, const std::string& id) {
    caf::scoped_actor self{*sys};
    auto started = create_and_start(self, m, spec, id);
    EXPECT_TRUE(started);
    if (!started)
      return {};
    return wait_until_finished(self, m, id);
  }

  std::vector<v1::Delivery> deliveries(const std::string& id) {
    std::vector<v1::Delivery> all;
    auto prefix = id + std::string(1, '\0');
    auto st = db->scan<v1::Delivery>(storage::column::deliveries, prefix,
                                     storage::keys::prefix_end(prefix),
                                     [&](std::string_view, const v1::Delivery& d) {
                                       all.push_back(d);
                                       return true;
                                     });
    EXPECT_TRUE(st.ok());
    return all;
  }

  std::vector<caf::actor> helpers;
  void stop_helpers() {
    for (auto& a : helpers)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  }
};


} // namespace troupe::test
