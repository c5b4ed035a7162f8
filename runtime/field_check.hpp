#pragma once
/// Predicates check their fields: an attribute a predicate names that no
/// member has imported a customer with (storage/attribute_catalog) refuses
/// the command before anything runs, listing the fields there are:
///
///   segment count: field 'regoin' is not a field of any imported customer
///   (typed fields: categories, device, ...; imported attributes: tier)
///
/// Used by `segment count` and `campaign create` (a batch campaign's
/// segment; a triggered campaign's names the customer's profile too, and
/// its trigger's where the event's properties: those are not checked).
/// A name no member that answered knows, while some member did not answer,
/// is not refused as unknown: the command fails saying which members to
/// wait for (a replica promoted after a failover has not recorded names).

#include <string>
#include <vector>

#include "runtime/coordinator.hpp"
#include "runtime/gateway_context.hpp"

namespace troupe::runtime {

/// Runs `then` once every name of `attributes` is known to some member;
/// else answers a bad_request naming the first unknown one. `attributes`
/// empty: `then` at once.
coordinator_work fields_known_then(gateway_context ctx,
                                   std::vector<std::string> attributes,
                                   coordinator_work then);

/// The refusal's text for `unknown` given the attribute names `known`.
std::string unknown_field_text(const std::string& unknown,
                               const std::vector<std::string>& known);

} // namespace troupe::runtime
