// A chunk's parts by shard (customers/sharded_write): a part the writer
// refuses for a reason that may pass (this node stopped being the shard's
// primary) hands its lines back as foreign, for the import to route to the
// primary now, when the write may be repeated; any other refusal rejects
// them, naming the first line.

#include <gtest/gtest.h>

#include "cluster/cluster_errc.hpp"
#include "customers/sharded_write.hpp"
#include "storage/storage_error.hpp"

using namespace troupe;

namespace {

/// Refuses shard 1 as a deposed primary would, shard 2 as a failed disk
/// would (a record damaged), and accepts the rest.
class refusing_writer final : public storage::shard_writer {
public:
  std::vector<status> write(std::vector<storage::shard_write>& parts) override {
    std::vector<status> out;
    for (auto& p : parts) {
      if (p.shard == 1)
        out.push_back(cluster::make_error(cluster::cluster_errc::not_primary, "not the primary"));
      else if (p.shard == 2)
        out.push_back(make_error(storage::storage_errc::corruption, "the disk is gone"));
      else
        out.push_back(status::success());
    }
    return out;
  }
};

void put(customers::sharded_write& w, uint32_t shard, uint64_t line, std::size_t index) {
  ASSERT_TRUE(w.enter(shard));
  w.batch_for(shard, line, index).put_raw(storage::column::customers, "k" + std::to_string(line), "v");
}

TEST(sharded_write_test, a_deposed_primarys_lines_go_back_for_routing_the_others_are_rejected) {
  refusing_writer writer;
  for (bool reroute : {true, false}) {
    customers::sharded_write w{nullptr, reroute};
    put(w, 1, 10, 0);
    put(w, 2, 11, 1);
    put(w, 1, 12, 2);
    put(w, 3, 13, 3);
    customers::import_result out;
    EXPECT_EQ(w.write(writer, out), 3u) << "three lines not written here";
    if (reroute) {
      EXPECT_EQ(out.foreign, (std::vector<uint32_t>{0, 2}));
      EXPECT_EQ(out.foreign_shards, (std::vector<uint32_t>{1, 1}));
      EXPECT_EQ(out.rejected, 1u);
    } else {
      EXPECT_TRUE(out.foreign.empty());
      EXPECT_EQ(out.rejected, 3u);
    }
    ASSERT_FALSE(out.errors.empty());
    EXPECT_EQ(out.errors.back().line, 11u);
    EXPECT_NE(out.errors.back().reason.find("the disk is gone"), std::string::npos);
  }
}

} // namespace
