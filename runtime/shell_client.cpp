#include "runtime/shell_client.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "runtime/runtime_error.hpp"

namespace troupe::runtime {

namespace {

template <class Value, class Handle, class... Ts>
result<Value> ask(caf::actor_system& sys, const Handle& dest,
                  std::chrono::milliseconds timeout, const std::string& node,
                  Ts&&... xs) {
  std::optional<result<Value>> answer;
  {
    caf::scoped_actor self{sys};
    self->request(dest, timeout, std::forward<Ts>(xs)...)
      .receive([&](Value& value) { answer.emplace(std::move(value)); },
               [&](caf::error& err) {
                 if (err == caf::sec::request_timeout)
                   answer.emplace(make_error(runtime_errc::unreachable,
                                             "node " + node + " did not answer within "
                                               + std::to_string(timeout.count()) + " ms"));
                 else
                   answer.emplace(make_error(runtime_errc::request_failed,
                                             "node " + node + ": " + sys.render(err)));
               });
  }
  return std::move(*answer);
}

} // namespace

result<std::unique_ptr<shell_client>>
shell_client::connect(caf::actor_system& sys, const config::endpoint& node,
                      std::chrono::milliseconds timeout) {
  auto where = node.to_string();
  std::optional<error> failure;
  caf::strong_actor_ptr remote;
  {
    caf::scoped_actor self{sys};
    self->request(sys.middleman().actor_handle(), timeout, caf::connect_atom::value,
                  node.host, node.port)
      .receive(
        [&](const caf::node_id&, caf::strong_actor_ptr& ptr,
            const std::set<std::string>&) { remote = std::move(ptr); },
        [&](caf::error& err) {
          if (err == caf::sec::request_timeout)
            failure = make_error(runtime_errc::unreachable,
                                 "cannot reach node " + where + ": no answer within "
                                   + std::to_string(timeout.count())
                                   + " ms (is it a Troupe node's --cluster-port?)");
          else
            failure = make_error(runtime_errc::unreachable,
                                 "cannot reach node " + where + ": " + sys.render(err));
        });
  }
  if (failure)
    return *failure;
  if (remote == nullptr)
    return make_error(runtime_errc::not_a_node,
                      "nothing is published at " + where + ": not a Troupe node");
  auto admin = caf::actor_cast<admin_actor>(remote);
  return std::unique_ptr<shell_client>{new shell_client{sys, node, timeout, admin}};
}

result<cluster::health_info> shell_client::health() {
  return ask<cluster::health_info>(sys_, admin_, timeout_, node_.to_string(),
                                   cluster::health_atom::value);
}

} // namespace troupe::runtime

namespace troupe::runtime {

result<std::vector<actors::actor_entry>> shell_client::tree() {
  return ask<std::vector<actors::actor_entry>>(sys_, admin_, timeout_, node_.to_string(),
                                               cluster::tree_atom::value);
}

result<std::vector<actors::breaker_status>> shell_client::breakers() {
  return ask<std::vector<actors::breaker_status>>(sys_, admin_, timeout_, node_.to_string(),
                                                  cluster::breakers_atom::value);
}

} // namespace troupe::runtime
