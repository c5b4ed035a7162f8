#pragma once
/// Times as the JSON of answers and exports shows them: ISO-8601 UTC with
/// milliseconds ("2026-12-01T21:33:05.123Z"), each beside its `_ms` twin
/// (milliseconds since the epoch) for scripts; an unknown time (0, or
/// below) is null in both. Input formats keep their own fields (an
/// event's `ts` takes either form).

#include <cstdint>
#include <string>

namespace troupe {

/// `ms` since the epoch as ISO-8601 UTC with milliseconds.
std::string iso_time_text(int64_t ms);

} // namespace troupe
