#pragma once
/// Errors between actors. CAF carries `caf::error` across actor and process
/// boundaries; the project's errors are `troupe::error` values (a domain, a
/// module code, the operator's message, whether a retry may help). The one
/// conversion between the two is here and keeps all four:
///
///   troupe::error --to_caf_error--> caf::error{code, category "troupe",
///                                              context (domain, message, retryable)}
///   caf::error    --from_caf_error-> troupe::error (CAF's own errors: domain
///                                    none, the message names what CAF said)
///
/// `describe` gives the message an operator reads: our own errors' message
/// as it is, never a CAF enum name in front of it.

#include <cstdint>
#include <string>

#include <caf/atom.hpp>
#include <caf/error.hpp>

#include "common/error.hpp"

namespace troupe::actors {

/// This folder's own codes (the actor toolkit's failures).
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

/// Whether a retry of the same request may succeed.
constexpr bool retryable(actors_errc code) {
  return code == actors_errc::wait_too_long || code == actors_errc::breaker_open
         || code == actors_errc::timeout || code == actors_errc::shard_moving;
}

/// CAF error category of every project error (the domain travels in the context).
inline constexpr caf::atom_value troupe_category = caf::atom("troupe");

/// `e` as a `caf::error`, domain, code, message and retryable flag kept.
caf::error to_caf_error(const error& e);

/// The same, its message preceded by `context` ("cannot read customer c-1: ").
caf::error to_caf_error(const error& e, const std::string& context);

/// The project error a `caf::error` carries; CAF's own errors (a node gone,
/// a request timed out) come back with domain `none`, CAF's code, a message
/// saying what happened, and retryable set where CAF's error is transient.
error from_caf_error(const caf::error& e);

/// A `caf::error` of any module's code: `make_caf_error(storage_errc::io, "...")`.
template <class Errc>
caf::error make_caf_error(Errc code, std::string message, bool may_retry) {
  return to_caf_error(error{domain_of(code), static_cast<int>(code), std::move(message), may_retry});
}

caf::error make_caf_error(actors_errc code, std::string message);

/// True if `e` carries `code` of its module.
template <class Errc>
bool is(const caf::error& e, Errc code) {
  return e.category() == troupe_category && from_caf_error(e).is(code);
}

/// The operator's message of `e`: our own errors' message as it is; for
/// CAF's own errors a plain sentence (e.g. "the node went away").
std::string describe(const caf::error& e);

} // namespace troupe::actors
