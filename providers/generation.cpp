#include "providers/generation.hpp"

#include <cctype>

#include <caf/all.hpp>

namespace troupe::providers {

namespace {

/// The opening in the brief's tone (unknown tones get a neutral one).
std::string greeting(const std::string& tone, const std::string& name) {
  std::string t;
  for (char c : tone)
    t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (t == "friendly" || t == "warm" || t == "casual")
    return "Hi " + name + "! You will like this:";
  if (t == "formal" || t == "professional")
    return "Dear " + name + ", may we introduce";
  if (t == "playful" || t == "fun")
    return "Hey " + name + ", guess what? Say hello to";
  if (t == "urgent")
    return name + ", do not miss";
  return "Hello " + name + ", this is";
}

} // namespace

generated_message generate_from_template(const generation_request& req) {
  generated_message out;
  out.generator = "template";
  auto name = req.first_name.empty() ? std::string{"there"} : req.first_name;
  out.subject = name + ", meet " + req.product;
  out.body = greeting(req.tone, name) + " " + req.product;
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

} // namespace troupe::providers
