#pragma once
/// Reads a campaign's customers from one shard in runs: a scan (a RocksDB
/// iterator and a seek) per run, each record parsed straight into the
/// shared record the pipeline passes along (no copy per stage). Blocking.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "storage/store.hpp"
#include "troupe.pb.h"

namespace troupe::campaign {

struct customer_run {
  std::vector<std::shared_ptr<const v1::Customer>> customers;
  std::string cursor; ///< after the last customer read; as given when none was
};

/// Up to `want` customers of `shard` after `cursor` ("": from the start).
/// Fewer than `want`: the shard has no more. A record that does not parse
/// is `corruption`, naming its key.
result<customer_run> read_customers(const storage::store& db, uint32_t shard,
                                    const std::string& cursor, std::size_t want);

} // namespace troupe::campaign
