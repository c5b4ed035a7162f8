#include "customers/import_parser.hpp"

namespace troupe::customers {

namespace {

import_parser::behavior_type parser_impl(import_parser::pointer,
                                         std::shared_ptr<storage::store> db,
                                         config::input_limits limits) {
  return {
    [db, limits](actors::import_atom, const import_chunk& chunk) {
      return parse_customer_lines(*db, chunk, limits);
    },
  };
}

} // namespace

import_parser spawn_import_parser(caf::event_based_actor* owner,
                                  std::shared_ptr<storage::store> db,
                                  config::input_limits limits) {
  return owner->spawn<caf::detached + caf::linked>(parser_impl, std::move(db), std::move(limits));
}

} // namespace troupe::customers
