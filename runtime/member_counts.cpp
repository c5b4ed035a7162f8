#include "runtime/member_counts.hpp"

#include "actors/atoms.hpp"
#include "cluster/cluster_view.hpp"
#include "runtime/fan_out.hpp"
#include "runtime/runtime_error.hpp"

namespace troupe::runtime {

coordinator_work nodes_with_counts(gateway_context ctx) {
  return [ctx](coordinator_ptr self, caf::response_promise rp) {
    auto cluster = cluster_of(ctx);
    if (!cluster)
      return finish(self, rp, not_running("the cluster actor"));
    using rows_t = std::vector<cluster::node_row>;
    self->request(cluster, std::chrono::seconds(30), cluster::nodes_atom::value)
        .then(
            [self, rp, ctx](rows_t& rows) mutable {
              auto shared = std::make_shared<rows_t>(std::move(rows));
              everywhere_then<uint64_t>(
                  self, ctx, node_part::storage, std::chrono::seconds(30),
                  caf::make_message(actors::count_atom::value, std::string{}),
                  caf::make_message(cluster::local_atom::value, actors::count_atom::value,
                                    std::string{}),
                  [self, rp, shared](const std::vector<member_answer<uint64_t>>& answers,
                                     const unreachable_members&) mutable {
                    for (auto& row : *shared) {
                      row.customers = -1;
                      for (const auto& a : answers)
                        if (a.node == row.id && a.reply)
                          row.customers = static_cast<int64_t>(*a.reply);
                    }
                    // A node alone (no cluster) answers as itself.
                    if (shared->size() == 1 && answers.size() == 1 && answers[0].reply)
                      (*shared)[0].customers = static_cast<int64_t>(*answers[0].reply);
                    finish(self, rp, std::move(*shared));
                  });
            },
            [self, rp](caf::error& err) mutable { finish(self, rp, std::move(err)); });
  };
}

} // namespace troupe::runtime
