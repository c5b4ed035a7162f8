#pragma once
/// The member gateway's gate: who sent the message it is handling (the
/// role the peer directory gives the sender's node, and that node), judged
/// by a rule of cluster/member_admission against the roster the cluster
/// actor last published. A refused message is counted and logged once per
/// sender and reason (trust::refusals) and goes no further. Used by the
/// member gateway, from its own thread.

#include <functional>
#include <string>

#include <caf/error.hpp>
#include <caf/local_actor.hpp>

#include "cluster/member_admission.hpp"
#include "runtime/gateway_context.hpp"

namespace troupe::runtime {

using member_rule = std::function<cluster::admission::verdict(
  const cluster::admission::roster&, const cluster::admission::sender&)>;

/// Judges the message `self` handles now (`what` names it in the log):
/// "" to go on, else the reason it was refused (counted and logged). A
/// context without a peer directory (built by hand in a test) lets every
/// message go on, as before roles existed. A remote sender the directory
/// does not know (no gate bound its connection) is refused.
cluster::admission::verdict judge(caf::local_actor* self, const gateway_context& ctx,
                                  const std::string& what, const member_rule& rule);

/// What a refused request is answered with (cluster_errc::refused).
caf::error refused(cluster::admission::verdict reason, const std::string& what);

/// The CAF node of `handle` (caf::to_string), "" for none.
std::string node_of(const caf::actor& handle);

} // namespace troupe::runtime
