// actors/generation: the template generator names the customer and the
// product, lists the features, cites every document, in the brief's tone.

#include <gtest/gtest.h>

#include "providers/generation.hpp"

using namespace troupe::actors;
using namespace troupe::providers;

TEST(TemplateGenerator, names_lists_cites_and_follows_the_tone) {
  generation_request r;
  r.first_name = "Ada";
  r.product = "TrailLite";
  r.features = {"light", "waterproof", "packable"};
  r.citations = {"doc-1", "doc-9"};
  r.tone = "friendly";
  auto m = generate_from_template(r);
  EXPECT_EQ(m.generator, "template");
  EXPECT_EQ(m.subject, "Ada, meet TrailLite");
  EXPECT_EQ(m.body,
            "Hi Ada! You will like this: TrailLite: light, waterproof and packable. [doc-1] [doc-9]");
  r.tone = "Formal";
  EXPECT_EQ(generate_from_template(r).body.rfind("Dear Ada, may we introduce TrailLite", 0), 0u);
  r.tone = "urgent";
  EXPECT_EQ(generate_from_template(r).body.rfind("Ada, do not miss TrailLite", 0), 0u);
  r.tone = "";
  r.first_name = "";
  r.features.clear();
  r.citations.clear();
  EXPECT_EQ(generate_from_template(r).body, "Hello there, this is TrailLite.");
}
