#pragma once
/// How the shell shows `campaign report`: a table per group (all customers,
/// then each value of the --by field), or JSON (`--json`): numbers as they
/// are, NaN (no comparison: the control row, or an empty arm) as null.

#include <string>

#include <nlohmann/json.hpp>

#include "campaign/report.hpp"

namespace troupe::shell {

nlohmann::json report_to_json(const campaign::campaign_report& r);

std::string report_to_text(const campaign::campaign_report& r);

} // namespace troupe::shell
