#pragma once
/// The generation stage's provider protocol and the built-in template
/// generator: deterministic, needs nothing outside the node. It is the
/// default generator, the fallback behind the generation breaker, and what
/// the fault-injection provider wraps when faults are turned on.
///
///   generation_provider = provider_actor<generation_request, generated_message>

#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/meta/type_name.hpp>

#include "actors/provider.hpp"

namespace troupe::providers {

struct generation_request {
  std::string campaign_id;
  std::string customer_id;
  std::string first_name;
  std::string product;
  std::vector<std::string> features;
  std::string tone;
  std::vector<std::string> citations; ///< document ids to cite
};

struct generated_message {
  std::string subject;
  std::string body;
  std::string generator; ///< which generator wrote it
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, generation_request& x) {
  return f(caf::meta::type_name("troupe.generation_request"), x.campaign_id, x.customer_id,
           x.first_name, x.product, x.features, x.tone, x.citations);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, generated_message& x) {
  return f(caf::meta::type_name("troupe.generated_message"), x.subject, x.body,
           x.generator);
}

using generation_provider = actors::provider_actor<generation_request, generated_message>;

/// The template generator's text for `req` (pure function): subject and body
/// name the first name and the product, the body lists the features and cites
/// every document as [doc-id]; the opening follows the tone (friendly, formal,
/// playful, urgent; others neutral).
generated_message generate_from_template(const generation_request& req);

/// A provider actor that answers with `generate_from_template`.
generation_provider spawn_template_generator(caf::actor_system& sys);

} // namespace troupe::providers
