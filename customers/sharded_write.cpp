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
                                               std::size_t index) {
  lines_[shard].push_back({line, index});
  return parts_.of(shard).batch;
}

uint64_t sharded_write::write(storage::shard_writer& writer, import_result& out) {
  auto parts = parts_.take();
  refused_.clear();
  if (parts.empty()) {
    leave_all();
    return 0;
  }
  auto written = writer.write(parts);
  leave_all();
  uint64_t lost = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (written[i])
      continue;
    refused_.insert(parts[i].shard);
    const auto& lines = lines_[parts[i].shard];
    lost += lines.size();
    // The cluster's word that another member may take it (not this node's
    // disk failing: that is rejected here at once).
    const auto& why = written[i].err();
    if (reroute_ && why.domain() == error_domain::cluster && why.retryable()) {
      for (auto& [line, index] : lines)
        out.add_foreign(index, parts[i].shard);
      continue;
    }
    out.rejected += lines.size();
    if (out.errors.size() < max_errors_per_chunk && !lines.empty())
      out.errors.push_back({lines.front().first,
                            "not written (with " + std::to_string(lines.size() - 1)
                              + " more lines of its shard): " + written[i].err().message()});
  }
  lines_.clear();
  return lost;
}

} // namespace troupe::customers
