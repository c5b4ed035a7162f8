#pragma once
/// The storage actor's import parser: a detached actor, linked to it, that
/// parses customer chunks (customer_import.hpp) while the storage actor
/// writes the chunk before. Chunks are answered in the order they came, so
/// the storage actor writes them in that order too.
///
///   import_parser: (import_atom, import_chunk) -> parsed_customers

#include <memory>

#include <caf/all.hpp>

#include "actors/atoms.hpp"
#include "config/input_limits.hpp"
#include "customers/customer_import.hpp"
#include "storage/store.hpp"

namespace troupe::customers {

using import_parser =
  caf::typed_actor<caf::replies_to<actors::import_atom, import_chunk>::with<parsed_customers>>;

import_parser spawn_import_parser(caf::event_based_actor* owner,
                                  std::shared_ptr<storage::store> db,
                                  config::input_limits limits);

} // namespace troupe::customers
