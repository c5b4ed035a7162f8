// Writes the seed corpus of the member_message target: member messages as
// CAF serializes them. Usage: fuzz_member_message_seeds DIR (fuzz/README.md).

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <caf/binary_serializer.hpp>

#include "cluster/wire_types.hpp"

using namespace troupe;

namespace {

void write(caf::actor_system& sys, const std::string& path, caf::message msg) {
  std::vector<char> bytes;
  caf::binary_serializer sink{sys, bytes};
  if (auto err = sink(msg)) {
    std::fprintf(stderr, "cannot serialize %s\n", path.c_str());
    std::exit(1);
  }
  std::ofstream{path, std::ios::binary}.write(bytes.data(), static_cast<long>(bytes.size()));
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  std::string dir = argv[1];
  caf::actor_system_config cfg;
  cluster::register_wire_types(cfg);
  caf::actor_system sys{cfg};
  customers::import_chunk chunk;
  chunk.kind = customers::import_kind::customers;
  chunk.first_line = 3;
  chunk.lines = {R"({"id":"c-1","region":"CA"})", "", R"({"id":"c-2"})"};
  chunk.line_numbers = {3, 5, 9};
  write(sys, dir + "/import_chunk", caf::make_message(cluster::local_atom::value, chunk));
  write(sys, dir + "/count", caf::make_message(cluster::local_atom::value,
                                               actors::count_atom::value,
                                               std::string{"region = 'CA'"}));
  cluster::campaign_command create{cluster::campaign_verb::create, campaign_id{"spring"},
                                   R"({"id":"spring"})"};
  write(sys, dir + "/campaign_create", caf::make_message(cluster::local_atom::value, create));
  write(sys, dir + "/customer", caf::make_message(cluster::local_atom::value,
                                                  cluster::customer_atom::value,
                                                  customer_id{"c-1"}));
  write(sys, dir + "/handover",
        caf::make_message(cluster::handover_atom::value,
                          sharding::placement_change{sharding::change_kind::switch_primary, 3,
                                                     "n2", 4}));
  write(sys, dir + "/heartbeat",
        caf::make_message(cluster::heartbeat_atom::value, std::string{"n2"}, uint64_t{7},
                          uint64_t{100}, std::vector<uint64_t>(64, 12), caf::actor{}));
  write(sys, dir + "/handoff", caf::make_message(cluster::handoff_atom::value, uint32_t{3},
                                                 std::string("\x08\x03\x18\x01", 4)));
  write(sys, dir + "/corpus_question",
        caf::make_message(actors::corpus_atom::value, std::vector<uint64_t>{1, 3, 7}));
  return 0;
}
