#pragma once
/// Errors that actors of this folder send to each other (as `caf::error`,
/// the value type CAF carries across actor boundaries), with the operator's
/// message as context. `describe` turns any `caf::error` into that message.

#include <cstdint>
#include <string>

#include <caf/atom.hpp>
#include <caf/error.hpp>

#include "common/error.hpp"

namespace troupe::actors {

enum class actors_errc : uint8_t {
  wait_too_long = 1, ///< a rate limiter would make the caller wait past its maximum
  breaker_open,      ///< a circuit breaker is open and has no fallback
  provider_failed,   ///< the provider answered with an error
  timeout,           ///< the provider did not answer in time
  injected_failure,  ///< a fault-injection provider failed on purpose
  no_such_actor,     ///< a supervisor has no live child of that name
  bad_request,       ///< a request with bad input (e.g. a malformed predicate)
  not_found,         ///< no such record (e.g. a customer id nobody imported)
  shard_moving,      ///< the record's shard is being handed off: try again shortly
};

constexpr error_domain domain_of(actors_errc) { return error_domain::actors; }

/// CAF error category of `actors_errc`.
inline constexpr caf::atom_value actors_category = caf::atom("troupe");

caf::error make_caf_error(actors_errc code, std::string message);

/// True if `e` is `code` of this folder.
bool is(const caf::error& e, actors_errc code);

/// The operator's message of `e`: the context string of our own errors, a
/// readable name for CAF's system errors.
std::string describe(const caf::error& e);

} // namespace troupe::actors
