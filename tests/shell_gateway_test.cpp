// The shell gateway answers the shell protocol and nothing of the member
// protocol: a member's message sent to it (as a shell could, through an
// untyped handle) is refused as unexpected, and changes nothing.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include <caf/all.hpp>

#include "cluster/member_protocol.hpp"
#include "cluster/wire_types.hpp"
#include "runtime/shell_gateway.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

struct shell_gateway_test : ::testing::Test {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  runtime::shell_api gateway;

  void SetUp() override {
    cluster::register_wire_types(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
    runtime::gateway_context ctx;
    auto status = std::make_shared<runtime::node_status>();
    status->node_id = "n1";
    ctx.status = status;
    ctx.guardian = std::make_shared<caf::actor>();
    ctx.member_gateway = std::make_shared<actors::handle_slot<caf::actor>>();
    gateway = runtime::spawn_shell_gateway(*sys, ctx);
  }

  void TearDown() override {
    caf::anon_send_exit(gateway, caf::exit_reason::user_shutdown);
    gateway = nullptr;
    sys->await_all_actors_done();
  }

  /// Sends `xs...` as a request through an untyped handle; the error it gets.
  template <class... Ts>
  caf::error refusal_of(Ts... xs) {
    caf::error out;
    caf::scoped_actor self{*sys};
    self->request(caf::actor_cast<caf::actor>(gateway), 5s, xs...)
      .receive([&](caf::message&) { ADD_FAILURE() << "the shell gateway answered"; },
               [&](caf::error& err) { out = err; });
    return out;
  }
};

} // namespace

TEST_F(shell_gateway_test, member_messages_are_refused_as_unexpected) {
  cluster::campaign_command cancel;
  cancel.verb = cluster::campaign_verb::cancel;
  cancel.campaign = campaign_id{"spring"};
  EXPECT_EQ(refusal_of(cluster::local_atom::value, cancel), caf::sec::unexpected_message);
  EXPECT_EQ(refusal_of(cluster::local_atom::value, actors::erase_atom::value, customer_id{"c-1"}),
            caf::sec::unexpected_message);
  EXPECT_EQ(refusal_of(cluster::handoff_atom::value, uint32_t{25}, std::string{"batch"}),
            caf::sec::unexpected_message);
  EXPECT_EQ(refusal_of(cluster::view_atom::value), caf::sec::unexpected_message);
  EXPECT_EQ(refusal_of(cluster::handover_atom::value,
                       sharding::placement_change{sharding::change_kind::switch_primary, 1, "n2", 1}),
            caf::sec::unexpected_message);
}

TEST_F(shell_gateway_test, it_answers_the_shell_and_says_when_the_member_gateway_is_not_running) {
  caf::scoped_actor self{*sys};
  self->request(gateway, 5s, cluster::health_atom::value)
    .receive([&](cluster::health_info& h) { EXPECT_EQ(h.node_id, "n1"); },
             [&](caf::error& err) { ADD_FAILURE() << sys->render(err); });
  self->request(gateway, 5s, cluster::member_atom::value)
    .receive([&](caf::actor&) { ADD_FAILURE() << "a member gateway that is not running"; },
             [&](caf::error& err) {
               EXPECT_EQ(actors::describe(err), "the member gateway is not running");
             });
}
