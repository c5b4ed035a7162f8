#pragma once
/// A storage reader: the node's long reads of its RocksDB, each on its own
/// thread (detached), off the storage actor that writes. The storage actor
/// spawns a few, linked to it, and hands each read to the next in turn, so
/// that a count over every customer, a report or an audit walk never delays
/// an import, a campaign's write or a handoff batch. Each scan reads through
/// one RocksDB iterator: a consistent snapshot of what it covers.
///
///   storage_reader:
///     (count_atom, predicate text) -> uint64_t     | error naming the position
///     (count_atom, "")             -> the customers of the owned shards (by
///                                     key; kept 5 s)
///     (fields_atom)                -> the attribute names imported here
///     (page_atom, kind, campaign, after, limit) -> record_page
///     (verify_atom)                -> audit_report
///     (report_atom, campaign, by, cuped) -> campaign_report
///     (corpus_atom, versions)      -> those of them not committed here

#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/atoms.hpp"
#include "campaign/report.hpp"
#include "customers/audit_report.hpp"
#include "customers/import_types.hpp"
#include "sharding/shard_ownership.hpp"
#include "storage/store.hpp"

namespace troupe::customers {

using storage_reader = caf::typed_actor<
  caf::replies_to<actors::count_atom, std::string>::with<uint64_t>,
  caf::replies_to<actors::fields_atom>::with<std::vector<std::string>>,
  caf::replies_to<actors::page_atom, record_kind, std::string, std::string, uint32_t>::with<record_page>,
  caf::replies_to<actors::verify_atom>::with<audit_report>,
  caf::replies_to<actors::report_atom, std::string, std::string, std::string>::with<campaign::campaign_report>,
  caf::replies_to<actors::corpus_atom, std::vector<uint64_t>>::with<std::vector<uint64_t>>>;

/// Reads one page of a campaign's deliveries or dead letters (blocking),
/// of the customers `mine` takes (empty: all).
result<record_page> read_page(const storage::store& db, record_kind kind,
                              const std::string& campaign, const std::string& after,
                              uint32_t limit, const campaign::customer_filter& mine = {});

/// A reader linked to `owner` (the storage actor). Counts, pages and
/// reports cover the shards `ownership` gives this node (a replica's copies
/// are its primary's to count); null: every shard.
storage_reader spawn_storage_reader(caf::event_based_actor* owner,
                                    std::shared_ptr<storage::store> db,
                                    std::shared_ptr<sharding::shard_ownership> ownership);

} // namespace troupe::customers
