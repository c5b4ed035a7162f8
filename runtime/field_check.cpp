#include "runtime/field_check.hpp"

#include <set>

#include "actors/actor_error.hpp"
#include "actors/atoms.hpp"
#include "runtime/fan_out.hpp"
#include "runtime/runtime_error.hpp"
#include "segment/predicate.hpp"
#include "storage/attribute_catalog.hpp"

namespace troupe::runtime {

namespace {

/// The most names a refusal lists.
constexpr std::size_t max_listed = 50;

std::string listed(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < max_listed; ++i)
    out += (i == 0 ? "" : ", ") + names[i];
  if (names.size() > max_listed)
    out += ", ... (" + std::to_string(names.size() - max_listed) + " more)";
  return out.empty() ? "none" : out;
}

} // namespace

std::string unknown_field_text(const std::string& unknown,
                               const std::vector<std::string>& known) {
  return "field '" + unknown +
         "' is not a field of any imported customer (typed fields: " +
         listed(segment::typed_field_names()) +
         "; imported attributes: " + listed(known) + ")";
}

coordinator_work fields_known_then(gateway_context ctx,
                                   std::vector<std::string> attributes,
                                   coordinator_work then) {
  if (attributes.empty())
    return then;
  return [ctx, attributes, then](coordinator_ptr self, caf::response_promise rp) {
    using names_t = std::vector<std::string>;
    everywhere_then<names_t>(
        self, ctx, node_part::storage, std::chrono::seconds(10),
        caf::make_message(actors::fields_atom::value),
        caf::make_message(cluster::local_atom::value, actors::fields_atom::value),
        [self, rp, attributes, then](const std::vector<member_answer<names_t>>& answers,
                                     const unreachable_members& unreachable) mutable {
          std::set<std::string> known;
          bool full = false;
          bool any = false;
          std::string silent; // members that could not say what they know
          for (const auto& [node, shards] : unreachable)
            silent += (silent.empty() ? "" : ", ") + node;
          for (const auto& a : answers) {
            if (!a.reply) {
              silent += (silent.empty() ? "" : ", ") + a.node;
              continue;
            }
            any = true;
            for (const auto& n : *a.reply) {
              if (n == storage::catalog_full_marker)
                full = true;
              else
                known.insert(n);
            }
          }
          if (!any) {
            if (auto err = first_error(answers))
              return finish(self, rp, std::move(*err));
          }
          if (!full) {
            for (const auto& name : attributes)
              if (known.count(name) == 0 && !silent.empty())
                return finish(self, rp,
                              runtime_failure(
                                  runtime_errc::not_everywhere,
                                  "cannot check field '" + name + "': no member that answered "
                                  "has imported a customer with it, and " + silent
                                  + " did not answer (try again once every member is up)"));
              else if (known.count(name) == 0)
                return finish(
                    self, rp,
                    actors::make_caf_error(
                        actors::actors_errc::bad_request,
                        unknown_field_text(name, {known.begin(), known.end()})));
          }
          then(self, rp);
        });
  };
}

} // namespace troupe::runtime
