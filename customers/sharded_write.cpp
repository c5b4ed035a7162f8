#include "customers/sharded_write.hpp"

namespace troupe::customers {

sharded_write::~sharded_write() { leave_all(); }

bool sharded_write::enter(uint32_t shard) {
  if (!ownership_ || inside_.count(shard) > 0)
    return true;
  if (!ownership_->enter(shard))
    return false;
  inside_.insert(shard);
  return true;
}

void sharded_write::leave_all() {
  if (ownership_)
    for (auto shard : inside_)
      ownership_->leave(shard);
  inside_.clear();
}

storage::write_batch& sharded_write::batch_for(uint32_t shard, uint64_t line,
                                               std::size_t index, std::size_t chunk) {
  lines_[shard].push_back({line, index, chunk});
  return parts_.of(shard).batch;
}

uint64_t sharded_write::write(storage::shard_writer& writer, import_result& out) {
  return write(writer, std::vector<import_result*>{&out}).front();
}

std::vector<uint64_t> sharded_write::write(storage::shard_writer& writer,
                                           const std::vector<import_result*>& outs) {
  std::vector<uint64_t> lost(outs.size(), 0);
  auto parts = parts_.take();
  refused_.clear();
  if (parts.empty()) {
    leave_all();
    lines_.clear();
    return lost;
  }
  auto written = writer.write(parts);
  leave_all();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (written[i])
      continue;
    refused_.insert(parts[i].shard);
    const auto& why = written[i].err();
    // Per chunk: its lines of the shard, the first of them named.
    std::map<std::size_t, std::vector<const line_ref*>> by_chunk;
    for (const auto& l : lines_[parts[i].shard])
      by_chunk[l.chunk].push_back(&l);
    for (const auto& [chunk, lines] : by_chunk) {
      auto& out = *outs.at(chunk);
      lost[chunk] += lines.size();
      // The cluster's word that another member may take it (not this node's
      // disk failing: that is rejected here at once).
      if (reroute_ && why.domain() == error_domain::cluster && why.retryable()) {
        for (const auto* l : lines)
          out.add_foreign(l->index, parts[i].shard);
        continue;
      }
      out.rejected += lines.size();
      if (out.errors.size() < max_errors_per_chunk)
        out.errors.push_back({lines.front()->line,
                              "not written (with " + std::to_string(lines.size() - 1)
                                + " more lines of its shard): " + why.message()});
    }
  }
  lines_.clear();
  return lost;
}

} // namespace troupe::customers
