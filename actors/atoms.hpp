#pragma once
/// The atoms of the actors folder's protocols, in one place (CAF atoms are
/// at most 10 characters).

#include <caf/atom.hpp>

namespace troupe::actors {

using info_atom = caf::atom_constant<caf::atom("info")>;         ///< -> mailbox depth
using tree_atom = caf::atom_constant<caf::atom("tree")>;         ///< -> supervision subtree
using status_atom = caf::atom_constant<caf::atom("status")>;     ///< -> breaker status
using acquire_atom = caf::atom_constant<caf::atom("acquire")>;   ///< limiter token
using sweep_atom = caf::atom_constant<caf::atom("sweep")>;       ///< passivate idle customers
using stats_atom = caf::atom_constant<caf::atom("stats")>;       ///< registry counters
using peek_atom = caf::atom_constant<caf::atom("peek")>;         ///< read without activating
using import_atom = caf::atom_constant<caf::atom("import")>;     ///< JSON Lines chunk
using count_atom = caf::atom_constant<caf::atom("count")>;       ///< segment count
using create_atom = caf::atom_constant<caf::atom("create")>;     ///< campaign create
using start_atom = caf::atom_constant<caf::atom("start")>;       ///< campaign start
using pause_atom = caf::atom_constant<caf::atom("pause")>;       ///< campaign pause
using resume_atom = caf::atom_constant<caf::atom("resume")>;     ///< campaign resume
using cancel_atom = caf::atom_constant<caf::atom("cancel")>;     ///< campaign cancel
using list_atom = caf::atom_constant<caf::atom("list")>;         ///< campaign list
using page_atom = caf::atom_constant<caf::atom("page")>;         ///< a page of records
using replay_atom = caf::atom_constant<caf::atom("replay")>;     ///< dead-letter replay
using verify_atom = caf::atom_constant<caf::atom("verify")>;     ///< audit chain check
using report_atom = caf::atom_constant<caf::atom("report")>;     ///< experiment report
using handoff_atom = caf::atom_constant<caf::atom("handoff")>;   ///< shard handoff batch
using replicate_atom = caf::atom_constant<caf::atom("replicate")>; ///< a shard batch for a replica
using export_atom = caf::atom_constant<caf::atom("export")>;     ///< all held about a customer
using erase_atom = caf::atom_constant<caf::atom("erase")>;       ///< erase a customer (GDPR)
using corpus_atom = caf::atom_constant<caf::atom("corpus")>;     ///< corpus versions lacking
using fields_atom = caf::atom_constant<caf::atom("fields")>;     ///< attribute names imported

} // namespace troupe::actors
