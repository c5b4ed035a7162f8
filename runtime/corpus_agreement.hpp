#pragma once
/// A corpus import goes to every member under one version number: the
/// highest any member would give it. Round one reserves a version
/// everywhere (`corpus-begin`); round two raises every member to the
/// highest (a version reserved and not used is harmless). The corpus's
/// chunks and its commit then go to every member with that version; a
/// member out of reach makes the import an error, since every member must
/// cite from the same corpus.

#include "customers/import_types.hpp"
#include "runtime/coordinator.hpp"
#include "runtime/gateway_context.hpp"

namespace troupe::runtime {

/// Delivers the `import_result` of one member (all import the same lines)
/// with the version every member now uses.
coordinator_work corpus_everywhere(gateway_context ctx, customers::import_chunk chunk);

} // namespace troupe::runtime
