#include "actors/generation.hpp"

#include <caf/all.hpp>

namespace troupe::actors {

generated_message generate_from_template(const generation_request& req) {
  generated_message out;
  out.generator = "template";
  auto name = req.first_name.empty() ? std::string{"there"} : req.first_name;
  out.subject = name + ", meet " + req.product;
  out.body = "Hi " + name + ", " + req.product;
  if (!req.features.empty()) {
    out.body += ": ";
    for (std::size_t i = 0; i < req.features.size(); ++i) {
      if (i > 0)
        out.body += i + 1 == req.features.size() ? " and " : ", ";
      out.body += req.features[i];
    }
  }
  out.body += ".";
  for (const auto& doc : req.citations)
    out.body += " [" + doc + "]";
  return out;
}

namespace {

// The name argument is unused but keeps the spawn from having no arguments:
// CAF 0.17's init_fun_factory dereferences a null tuple pointer for a
// spawn without arguments, which UBSan reports.
generation_provider::behavior_type template_generator_impl(const std::string& /*name*/) {
  return {[](const generation_request& req) { return generate_from_template(req); }};
}

} // namespace

generation_provider spawn_template_generator(caf::actor_system& sys) {
  return sys.spawn(template_generator_impl, std::string{"template"});
}

} // namespace troupe::actors
