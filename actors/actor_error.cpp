#include "actors/actor_error.hpp"

#include <caf/exit_reason.hpp>
#include <caf/message.hpp>
#include <caf/sec.hpp>

namespace troupe::actors {

namespace {

/// Plain words for the CAF errors an operator meets.
std::string caf_sentence(const caf::error& e) {
  if (e.category() == caf::atom("system")) {
    switch (static_cast<caf::sec>(e.code())) {
      case caf::sec::request_timeout: return "no answer in time";
      case caf::sec::request_receiver_down: return "the actor that should answer is gone";
      case caf::sec::cannot_connect_to_node: return "cannot connect to the node";
      default: return caf::to_string(static_cast<caf::sec>(e.code()));
    }
  }
  if (e.category() == caf::atom("exit"))
    return "stopped (" + caf::to_string(static_cast<caf::exit_reason>(e.code())) + ")";
  return caf::to_string(e);
}

bool caf_transient(const caf::error& e) {
  if (e.category() != caf::atom("system"))
    return false;
  auto code = static_cast<caf::sec>(e.code());
  return code == caf::sec::request_timeout || code == caf::sec::request_receiver_down
         || code == caf::sec::cannot_connect_to_node;
}

} // namespace

caf::error to_caf_error(const error& e) {
  return caf::error{static_cast<uint8_t>(e.code()), troupe_category,
                    caf::make_message(static_cast<uint8_t>(e.domain()), e.message(),
                                      e.retryable())};
}

caf::error to_caf_error(const error& e, const std::string& context) {
  return to_caf_error(error{e.domain(), e.code(), context + e.message(), e.retryable()});
}

error from_caf_error(const caf::error& e) {
  if (!e)
    return error{};
  const auto& ctx = e.context();
  if (e.category() == troupe_category && ctx.match_elements<uint8_t, std::string, bool>())
    return error{static_cast<error_domain>(ctx.get_as<uint8_t>(0)), e.code(),
                 ctx.get_as<std::string>(1), ctx.get_as<bool>(2)};
  std::string detail;
  if (ctx.size() == 1 && ctx.match_element<std::string>(0))
    detail = ctx.get_as<std::string>(0);
  auto text = caf_sentence(e);
  return error{error_domain::none, e.code(), detail.empty() ? text : text + ": " + detail,
               caf_transient(e)};
}

caf::error make_caf_error(actors_errc code, std::string message) {
  return make_caf_error(code, std::move(message), retryable(code));
}

std::string describe(const caf::error& e) {
  if (!e)
    return "no error";
  return from_caf_error(e).message();
}

} // namespace troupe::actors
