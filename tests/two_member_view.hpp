#pragma once
/// The handles a cluster actor would publish for a two-member view: n1
/// (this node) leads the cluster, n2 runs on CAF node `n2_node`, with the
/// shard map `map`. And the member gateway of one actor system as another
/// (another CAF node) reaches it over the middleman. For tests of the
/// member gateway.

#include <memory>
#include <string>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <gtest/gtest.h>

#include "cluster/cluster_actor.hpp"
#include "cluster/member_admission.hpp"
#include "cluster/member_protocol.hpp"

namespace troupe::test {

inline std::shared_ptr<const cluster::member_handles>
two_member_view(const std::string& n1_node, const std::string& n2_node,
                sharding::placement_map map) {
  cluster::cluster_view view;
  view.revision = 3;
  view.leader = "n1";
  cluster::member_info n1, n2;
  n1.id = "n1";
  n1.node = n1_node;
  n2.id = "n2";
  n2.node = n2_node;
  view.members = {n1, n2};
  view.map = std::move(map);
  auto h = std::make_shared<cluster::member_handles>();
  h->self = "n1";
  h->roster = cluster::admission::roster_of(view, "n1");
  return h;
}

/// `gateway` of `node`, published on a free loopback port, as `peer` sees
/// it; null (and a test failure) when that fails.
inline caf::actor reach_gateway(caf::actor_system& node, caf::actor_system& peer,
                                const cluster::member_api& gateway) {
  auto port = node.middleman().publish(gateway, 0, "127.0.0.1");
  if (!port) {
    ADD_FAILURE() << node.render(port.error());
    return {};
  }
  auto handle = peer.middleman().remote_actor<cluster::member_api>("127.0.0.1", *port);
  if (!handle) {
    ADD_FAILURE() << peer.render(handle.error());
    return {};
  }
  return caf::actor_cast<caf::actor>(*handle);
}

} // namespace troupe::test
