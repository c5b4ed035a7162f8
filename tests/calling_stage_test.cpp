// campaign/calling_stage: a batch through a stage that calls a provider
// (a real actor the test scripts per customer: answer, fail, answer late,
// never answer). What the sink gets back: every item exactly once, the
// items whose calls are settled without waiting for one that is retried,
// calls timed out by the stage's own sweep, and an answer after its
// call's deadline dropped.

#include <chrono>
#include <map>
#include <memory>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <set>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <gtest/gtest.h>

#include "campaign/calling_stage.hpp"
#include "providers/generation.hpp"
#include "tests/actor_fixture.hpp"

using namespace troupe;
using namespace troupe::campaign;
using namespace std::chrono_literals;

namespace {

using request = providers::generation_request;
using response = providers::generated_message;
using provider = actors::provider_actor<request, response>;

/// What the provider does with the n-th call (0-based) for a customer.
enum class act { answer, fail, late, silent };

/// The provider's script and what it saw, shared with the test.
struct script {
  std::mutex mu;
  std::map<std::string, std::vector<act>> by_customer; ///< default: answer
  std::map<std::string, int> calls;
  std::chrono::milliseconds late{300};

  act next(const std::string& customer) {
    std::lock_guard<std::mutex> lock{mu};
    auto n = calls[customer]++;
    auto& plan = by_customer[customer];
    return static_cast<std::size_t>(n) < plan.size() ? plan[n] : act::answer;
  }
  int calls_of(const std::string& customer) {
    std::lock_guard<std::mutex> lock{mu};
    return calls[customer];
  }
};

using late_atom = caf::atom_constant<caf::atom("late")>;

struct provider_state {
  std::map<uint64_t, caf::response_promise> held; ///< late answers to give
  uint64_t next = 0;
  static inline const char* name = "test.scripted_provider";
};

/// The provider: untyped, so that it can send itself its late answers;
/// the stage holds it by its typed face.
caf::behavior scripted(caf::stateful_actor<provider_state>* self, std::shared_ptr<script> s) {
  return {
    [self, s](request& r) -> caf::result<response> {
      auto what = s->next(r.customer_id);
      response answer{"subject " + r.customer_id, "body", "scripted"};
      switch (what) {
        case act::answer:
          return answer;
        case act::fail:
          return caf::make_error(caf::sec::runtime_error, "scripted failure");
        case act::late: {
          auto id = self->state.next++;
          self->state.held.emplace(id, self->make_response_promise());
          self->delayed_send(self, s->late, late_atom::value, id, answer);
          return caf::delegated<response>{};
        }
        case act::silent:
        default:
          self->make_response_promise(); // dropped: never answered
          return caf::delegated<response>{};
      }
    },
    [self](late_atom, uint64_t id, response& answer) {
      auto it = self->state.held.find(id);
      if (it != self->state.held.end()) {
        it->second.deliver(std::move(answer));
        self->state.held.erase(it);
      }
    },
  };
}

/// Collects what comes back to the sink, for the test to wait on.
struct returns {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::vector<work_item>> batches;

  std::size_t items() {
    std::size_t n = 0;
    for (auto& b : batches)
      n += b.size();
    return n;
  }
  bool wait_items(std::size_t n, std::chrono::milliseconds within) {
    std::unique_lock<std::mutex> lock{mu};
    return cv.wait_for(lock, within, [&] { return items() >= n; });
  }
};

struct sink_state {
  stage_actor stage;
  static inline const char* name = "test.sink";
};

using start_atom = caf::atom_constant<caf::atom("start")>;

/// The stage's owner and sink, as a runner is.
caf::behavior sink_impl(caf::stateful_actor<sink_state>* self, provider p, retry_policy retry,
                        std::shared_ptr<returns> out) {
  call_step<request, response> step;
  step.stage = "generate";
  step.provider_of = [p] { return p; };
  step.retry = retry;
  step.request_of = [](const work_item& w) {
    request r;
    r.customer_id = w.customer->id();
    return r;
  };
  step.apply = [](work_item& w, response& m) { w.message = std::move(m); };
  self->state.stage = spawn_call_stage(self, step, stage_links{{}, caf::actor_cast<batch_sink>(self)},
                                       stage_probe{}, /*nice=*/0);
  return {
    [self](start_atom, work_batch& b) { self->send(self->state.stage, std::move(b)); },
    [out](finished_atom, work_batch& b) {
      std::lock_guard<std::mutex> lock{out->mu};
      out->batches.push_back(std::move(b.items));
      out->cv.notify_all();
    },
  };
}

work_batch batch_of(const std::vector<std::string>& ids) {
  work_batch b;
  uint64_t seq = 0;
  for (const auto& id : ids) {
    work_item w;
    auto c = std::make_shared<v1::Customer>();
    c->set_id(id);
    w.customer = c;
    w.seq = seq++;
    b.items.push_back(std::move(w));
  }
  return b;
}

retry_policy fast_retry(unsigned attempts, std::chrono::milliseconds timeout) {
  retry_policy r;
  r.attempts = attempts;
  r.first_backoff = 200ms;
  r.max_backoff = 200ms;
  r.jitter = 0;
  r.timeout = timeout;
  return r;
}

class calling_stage_test : public test::actor_fixture {
protected:
  std::shared_ptr<script> plan = std::make_shared<script>();
  std::shared_ptr<returns> out = std::make_shared<returns>();
  caf::actor sink;

  void start(retry_policy retry, work_batch b) {
    auto p = caf::actor_cast<provider>(sys->spawn(scripted, plan));
    sink = sys->spawn(sink_impl, p, retry, out);
    caf::anon_send(sink, start_atom::value, std::move(b));
  }
  void TearDown() override {
    caf::anon_send_exit(sink, caf::exit_reason::user_shutdown);
    actor_fixture::TearDown();
  }

  /// Each customer's item as it came back, checking it came back once.
  std::map<std::string, work_item> by_customer() {
    std::lock_guard<std::mutex> lock{out->mu};
    std::map<std::string, work_item> seen;
    for (auto& b : out->batches)
      for (auto& w : b)
        EXPECT_TRUE(seen.emplace(w.customer->id(), w).second)
          << w.customer->id() << " came back twice";
    return seen;
  }
};

} // namespace

TEST_F(calling_stage_test, a_retried_item_does_not_hold_up_the_rest_of_its_batch) {
  plan->by_customer["c2"] = {act::fail};
  start(fast_retry(3, 5s), batch_of({"c0", "c1", "c2", "c3"}));
  ASSERT_TRUE(out->wait_items(3, 5s));
  {
    std::lock_guard<std::mutex> lock{out->mu};
    ASSERT_EQ(out->batches.size(), 1u) << "the settled items go on together";
    std::set<std::string> first;
    for (auto& w : out->batches[0])
      first.insert(w.customer->id());
    EXPECT_EQ(first, (std::set<std::string>{"c0", "c1", "c3"}))
      << "the rest went on before the retry's 200 ms backoff";
  }
  ASSERT_TRUE(out->wait_items(4, 5s));
  auto seen = by_customer();
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen["c2"].result, outcome::pending) << seen["c2"].reason;
  EXPECT_EQ(seen["c2"].message.subject, "subject c2");
  EXPECT_EQ(plan->calls_of("c2"), 2);
  for (auto id : {"c0", "c1", "c3"})
    EXPECT_EQ(plan->calls_of(id), 1) << id;
}

TEST_F(calling_stage_test, calls_without_an_answer_time_out_by_the_sweep_and_fail_the_item) {
  plan->by_customer["quiet"] = {act::silent, act::silent};
  start(fast_retry(2, 100ms), batch_of({"quiet", "ok"}));
  ASSERT_TRUE(out->wait_items(2, 5s));
  auto seen = by_customer();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen["ok"].result, outcome::pending);
  auto& quiet = seen["quiet"];
  EXPECT_EQ(quiet.result, outcome::failed);
  EXPECT_EQ(quiet.attempts, 2u);
  EXPECT_NE(quiet.reason.find("generate: "), std::string::npos) << quiet.reason;
  EXPECT_NE(quiet.reason.find("after 2 attempts"), std::string::npos) << quiet.reason;
  EXPECT_EQ(plan->calls_of("quiet"), 2);
}

TEST_F(calling_stage_test, an_answer_after_its_deadline_is_dropped_and_the_retry_counts) {
  plan->late = 250ms;
  plan->by_customer["slow"] = {act::late, act::fail, act::answer};
  // First call: answered at 250 ms, past its 100 ms deadline -> a retry at
  // about 300 ms; the late answer must not finish the item meanwhile.
  start(fast_retry(3, 100ms), batch_of({"slow"}));
  ASSERT_TRUE(out->wait_items(1, 5s));
  std::this_thread::sleep_for(400ms); // nothing more may come back
  auto seen = by_customer();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen["slow"].result, outcome::pending) << seen["slow"].reason;
  EXPECT_EQ(plan->calls_of("slow"), 3) << "timed out, failed, then answered";
  std::lock_guard<std::mutex> lock{out->mu};
  EXPECT_EQ(out->batches.size(), 1u);
}

TEST_F(calling_stage_test, items_finished_before_the_stage_pass_through_uncalled) {
  auto b = batch_of({"done", "todo"});
  b.items[0].result = outcome::skipped;
  start(fast_retry(3, 5s), std::move(b));
  ASSERT_TRUE(out->wait_items(2, 5s));
  auto seen = by_customer();
  EXPECT_EQ(seen["done"].result, outcome::skipped);
  EXPECT_TRUE(seen["done"].message.subject.empty());
  EXPECT_EQ(plan->calls_of("done"), 0);
  EXPECT_EQ(seen["todo"].message.subject, "subject todo");
}
