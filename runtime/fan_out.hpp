#pragma once
/// A command on every member: this node's part goes to its own actor (a
/// `node_part`), every other reachable member's part to
/// its member gateway (cluster/member_protocol.hpp, `local_atom` messages);
/// the members that cannot be reached come with the shards they hold. Runs
/// inside a coordinator (runtime/coordinator.hpp).

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/actor_error.hpp"
#include "runtime/coordinator.hpp"
#include "runtime/gateway_context.hpp"

namespace troupe::runtime {

/// One member's answer to a command sent to every member.
template <class Reply>
struct member_answer {
  std::string node;
  std::optional<Reply> reply;
  std::string error;
  caf::error cause; ///< the error itself, when there is one
};

/// Members that could not be asked -> the shards they hold.
using unreachable_members = std::map<std::string, std::vector<uint32_t>>;

/// "3 shards on n2 (unreachable)" for every member that could not be asked.
std::string stalled_text(const unreachable_members& unreachable);

/// Calls `fn` with the members as the cluster actor sees them now (asked);
/// this node alone when there is no cluster actor or it does not answer.
void with_members(coordinator_ptr self, const gateway_context& ctx,
                  std::function<void(cluster::member_handles)> fn);

/// The first member error, as an error naming the member.
template <class Reply>
std::optional<caf::error> first_error(const std::vector<member_answer<Reply>>& answers) {
  for (auto& a : answers)
    if (!a.reply) {
      auto e = actors::from_caf_error(a.cause);
      auto text = (answers.size() > 1 ? "node " + a.node + ": " : std::string{}) + a.error;
      return actors::to_caf_error(error{e.domain(), e.code(), std::move(text), e.retryable()});
    }
  return std::nullopt;
}

template <class Reply>
using fan_out_done =
  std::function<void(const std::vector<member_answer<Reply>>&, const unreachable_members&)>;

/// Sends `local` to this node's `part` and `remote` to every other
/// reachable member; calls `done` with every answer once all are in.
template <class Reply>
void ask_members(coordinator_ptr self, const gateway_context& ctx, node_part part,
                 std::chrono::seconds timeout, caf::message local, caf::message remote,
                 fan_out_done<Reply> done, cluster::member_handles h);

template <class Reply>
void everywhere_then(coordinator_ptr self, const gateway_context& ctx, node_part part,
                     std::chrono::seconds timeout, caf::message local, caf::message remote,
                     fan_out_done<Reply> done) {
  with_members(self, ctx, [=](cluster::member_handles h) {
    ask_members<Reply>(self, ctx, part, timeout, local, remote, done, std::move(h));
  });
}

template <class Reply>
void ask_members(coordinator_ptr self, const gateway_context& ctx, node_part part,
                 std::chrono::seconds timeout, caf::message local, caf::message remote,
                 fan_out_done<Reply> done, cluster::member_handles h) {
  auto answers = std::make_shared<std::vector<member_answer<Reply>>>(1 + h.peers.size());
  auto missing = std::make_shared<std::size_t>(answers->size());
  auto unreachable = std::make_shared<unreachable_members>(std::move(h.unreachable));
  auto one_done = [answers, missing, unreachable, done]() {
    if (--*missing == 0)
      done(*answers, *unreachable);
  };
  auto on_reply = [answers, one_done](std::size_t i) {
    return std::make_pair(
      [answers, one_done, i](Reply& r) {
        (*answers)[i].reply = std::move(r);
        one_done();
      },
      [answers, one_done, i](caf::error& err) {
        (*answers)[i].error = actors::describe(err);
        (*answers)[i].cause = err;
        one_done();
      });
  };
  (*answers)[0].node = h.self;
  auto here = on_reply(0);
  if (auto target = part_of(ctx, part)) {
    self->request(target, timeout, local).then(here.first, here.second);
  } else {
    auto err = not_running(name_of(part));
    here.second(err);
  }
  for (std::size_t i = 0; i < h.peers.size(); ++i) {
    (*answers)[i + 1].node = h.peers[i].first;
    auto there = on_reply(i + 1);
    self->request(h.peers[i].second, timeout, remote).then(there.first, there.second);
  }
}

/// A command on every member whose answers `combine` makes one reply of
/// (a value or an error), delivered as the coordinator's answer.
template <class Reply, class Combine>
coordinator_work everywhere(gateway_context ctx, node_part part, std::chrono::seconds timeout,
                            caf::message local, caf::message remote, Combine combine) {
  return [=](coordinator_ptr self, caf::response_promise rp) {
    everywhere_then<Reply>(
      self, ctx, part, timeout, local, remote,
      [self, rp, combine](const std::vector<member_answer<Reply>>& answers,
                          const unreachable_members& unreachable) mutable {
        caf::expected<Reply> r = combine(answers, unreachable);
        if (r)
          finish(self, rp, std::move(*r));
        else
          finish(self, rp, std::move(r.error()));
      });
  };
}

} // namespace troupe::runtime
