#pragma once
/// The calling thread's scheduling priority (its nice value, Linux: per
/// thread). The campaign pipeline's threads (runner, ledger writer,
/// detached stages) run niced, so that when the node's cores are busy the
/// interactive path (the shell door and gateway, `customer get`, on CAF's
/// scheduler threads) is not queued behind a campaign by the kernel.

#include "common/error.hpp"

namespace troupe {

/// Makes the calling thread's nice value at least `nice` (0: leave it as
/// it is; a thread already at `nice` or above is left too: only lowering
/// its priority is asked for, 1..19). An error names what the kernel said.
status set_thread_nice(int nice);

} // namespace troupe
