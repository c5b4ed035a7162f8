#include "runtime/corpus_agreement.hpp"

#include <algorithm>

#include "actors/atoms.hpp"
#include "cluster/member_protocol.hpp"
#include "common/log.hpp"
#include "runtime/fan_out.hpp"

namespace troupe::runtime {

namespace {

using answers_t = std::vector<member_answer<customers::import_result>>;

caf::expected<customers::import_result> agree(const answers_t& answers,
                                              const unreachable_members& unreachable) {
  if (auto err = first_error(answers))
    return *err;
  if (!unreachable.empty())
    return runtime_failure(runtime_errc::not_everywhere,
                           "the corpus must reach every member: " + stalled_text(unreachable));
  // Every member imported the same lines: one member's counts, the highest version.
  auto out = *answers.front().reply;
  for (auto& a : answers)
    out.version = std::max(out.version, a.reply->version);
  return out;
}

caf::message local_import(const customers::import_chunk& chunk) {
  return caf::make_message(actors::import_atom::value, chunk);
}

caf::message member_import(const customers::import_chunk& chunk) {
  return caf::make_message(cluster::local_atom::value, chunk);
}

} // namespace

coordinator_work corpus_everywhere(gateway_context ctx, customers::import_chunk chunk) {
  if (chunk.kind != customers::import_kind::corpus_begin)
    return everywhere<customers::import_result>(std::move(ctx), node_part::storage, import_timeout,
                                                local_import(chunk), member_import(chunk), agree);
  return [ctx, chunk](coordinator_ptr self, caf::response_promise rp) mutable {
    everywhere_then<customers::import_result>(
      self, ctx, node_part::storage, import_timeout, local_import(chunk), member_import(chunk),
      [self, ctx, rp, chunk](const answers_t& answers,
                             const unreachable_members& unreachable) mutable {
        auto first = agree(answers, unreachable);
        if (!first)
          return finish(self, rp, std::move(first.error()));
        chunk.version = first->version;
        log::debug("admin", "corpus version ", chunk.version, " on every member");
        everywhere_then<customers::import_result>(
          self, ctx, node_part::storage, import_timeout, local_import(chunk), member_import(chunk),
          [self, rp](const answers_t& again, const unreachable_members& gone) mutable {
            auto r = agree(again, gone);
            if (r)
              finish(self, rp, std::move(*r));
            else
              finish(self, rp, std::move(r.error()));
          });
      });
  };
}

} // namespace troupe::runtime
