#pragma once
/// A customer actor: one customer's record while it is live, spawned by the
/// registry on activation and handing its state back when passivated. Only
/// the registry talks to it.
///
///   customer actor:
///     (get_atom)                 -> customer_record
///     (put_atom, key, value)     -> customer_record   // one attribute set
///     (passivate_atom)           -> passivated_state  // then it quits
///     (erase_atom)               -> bool              // forgets the customer;
///                                                     // true if it held one
///     (event_atom, customer_events, book, journey_reads, optional<Profile> fresh)
///                                -> customer_step     // counts and offers its events
///                                                     // (customers/customer_events);
///                                                     // changes nothing but `fresh`
///     (profile_atom, optional<Profile>)               // its profile, now written
///
/// It holds the customer's profile once an event has brought it (`fresh`:
/// read from the store by the registry, which knows when the actor has
/// none or may hold a stale one), and takes each new one only when it is
/// durable, so its next events count from what the store holds.

#include <caf/all.hpp>

#include "actors/atoms.hpp"
#include "customers/customer_events.hpp"
#include "customers/registry.hpp"

namespace troupe::customers {

using passivate_atom = caf::atom_constant<caf::atom("passivate")>;

/// What a customer actor hands back when it is passivated.
struct passivated_state {
  customer_record record;
  bool dirty = false; ///< changed since it was loaded: to be saved
};

struct customer_state {
  customer_record record;
  bool dirty = false;
  static inline const char* name = "troupe.customer";
};

caf::behavior customer_impl(caf::stateful_actor<customer_state>* self, customer_record record,
                            bool dirty);

} // namespace troupe::customers

// Local only (never crosses a process): no serialization needed.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::customers::passivated_state)
