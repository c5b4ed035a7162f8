#include "actors/actor_error.hpp"

#include <caf/exit_reason.hpp>
#include <caf/message.hpp>
#include <caf/sec.hpp>

namespace troupe::actors {

caf::error make_caf_error(actors_errc code, std::string message) {
  return caf::error{static_cast<uint8_t>(code), actors_category,
                    caf::make_message(std::move(message))};
}

bool is(const caf::error& e, actors_errc code) {
  return e.category() == actors_category && e.code() == static_cast<uint8_t>(code);
}

std::string describe(const caf::error& e) {
  if (!e)
    return "no error";
  const auto& ctx = e.context();
  std::string detail;
  if (ctx.size() == 1 && ctx.match_element<std::string>(0))
    detail = ctx.get_as<std::string>(0);
  if (e.category() == actors_category)
    return detail;
  std::string name;
  if (e.category() == caf::atom("system"))
    name = caf::to_string(static_cast<caf::sec>(e.code()));
  else if (e.category() == caf::atom("exit"))
    name = caf::to_string(static_cast<caf::exit_reason>(e.code()));
  else
    name = caf::to_string(e);
  return detail.empty() ? name : name + ": " + detail;
}

} // namespace troupe::actors
