// troupe-storage-ceiling: how fast this machine's disk takes what a
// campaign writes, without the pipeline. Opens a store exactly as a node
// does (storage::store::open, the node's options, WAL on), and writes N
// delivery records of the reference campaign's size, with a checkpoint
// record per batch of 512, as the campaign runner does. Prints one line of
// key=value: records, seconds, records_per_sec, record_bytes. bench/campaign
// runs it with N = the campaign's deliveries and reports the pipeline's
// ratio to it.
//
//   troupe-storage-ceiling --records N [--dir DIR] [--batch 512]

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <unistd.h>

#include "storage/keys.hpp"
#include "storage/store.hpp"
#include "troupe.pb.h"

namespace {

int usage(const char* why) {
  std::cerr << "troupe-storage-ceiling: " << why
            << "\nusage: troupe-storage-ceiling --records N [--dir DIR] [--batch N]\n"
               "Writes N delivery-sized records (write batches, WAL on, the node's store\n"
               "options) into a fresh store under DIR (default: a temp dir, removed after)\n"
               "and prints records, seconds, records_per_sec, record_bytes.\n";
  return 2;
}

/// A delivery like the reference campaign's: template message, 3 citations.
troupe::v1::Delivery sample(uint64_t i) {
  troupe::v1::Delivery d;
  d.set_campaign_id("spring-outdoor");
  d.set_customer_id("c" + std::to_string(10'000'000 + i));
  d.set_arm(i % 2 == 0 ? "control" : "personalized");
  d.set_subject("Avery, meet TrailLite Jacket");
  d.set_body("Hi Avery! You will like this: TrailLite Jacket: waterproof, packable and "
             "breathable. [d00042] [d00417] [d00873]");
  for (const char* doc : {"d00042", "d00417", "d00873"})
    d.add_citations(doc);
  d.set_generator("template");
  d.set_channel("store");
  d.set_delivered_at_ms(1'795'370'989'487 + static_cast<int64_t>(i));
  return d;
}

} // namespace

int main(int argc, char** argv) {
  uint64_t records = 0;
  std::size_t batch_size = 512;
  std::filesystem::path dir;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h")
      return usage("the disk's ceiling for a campaign's writes"), 0;
    if (i + 1 >= argc)
      return usage(("missing value after " + a).c_str());
    std::string v = argv[++i];
    char* end = nullptr;
    if (a == "--records") {
      records = std::strtoull(v.c_str(), &end, 10);
      if (*end != '\0' || records == 0)
        return usage(("--records must be a positive number, not '" + v + "'").c_str());
    } else if (a == "--batch") {
      batch_size = std::strtoull(v.c_str(), &end, 10);
      if (*end != '\0' || batch_size == 0)
        return usage(("--batch must be a positive number, not '" + v + "'").c_str());
    } else if (a == "--dir") {
      dir = v;
    } else {
      return usage(("unknown option " + a).c_str());
    }
  }
  if (records == 0)
    return usage("--records is required");
  bool temporary = dir.empty();
  if (temporary)
    dir = std::filesystem::temp_directory_path()
          / ("troupe-ceiling-" + std::to_string(::getpid()));
  troupe::storage::store_options opts;
  opts.data_dir = dir / "db";
  opts.node_id = "ceiling";
  auto opened = troupe::storage::store::open(opts);
  if (!opened) {
    std::cerr << "troupe-storage-ceiling: " << opened.err().message() << "\n";
    return 1;
  }
  auto& db = **opened;
  troupe::storage::write_batch batch;
  troupe::v1::Checkpoint cp;
  cp.set_campaign_id("spring-outdoor");
  std::size_t record_bytes = sample(0).ByteSizeLong();
  auto start = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < records; ++i) {
    auto d = sample(i);
    batch.put(troupe::storage::column::deliveries,
              troupe::storage::keys::delivery(d.campaign_id(), d.customer_id()), d);
    if (batch.size() >= batch_size || i + 1 == records) {
      cp.set_shard(static_cast<uint32_t>(i % 64));
      cp.set_last_key(d.customer_id());
      batch.put(troupe::storage::column::checkpoints,
                troupe::storage::keys::checkpoint(cp.campaign_id(), cp.shard()), cp);
      if (auto st = db.write(batch); !st) {
        std::cerr << "troupe-storage-ceiling: write failed: " << st.err().message() << "\n";
        return 1;
      }
      batch.clear();
    }
  }
  if (auto st = db.flush(); !st) {
    std::cerr << "troupe-storage-ceiling: flush failed: " << st.err().message() << "\n";
    return 1;
  }
  double seconds =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  (void)db.close();
  if (temporary)
    std::filesystem::remove_all(dir);
  std::cout << "records=" << records << " seconds=" << seconds
            << " records_per_sec=" << static_cast<uint64_t>(records / seconds)
            << " record_bytes=" << record_bytes << "\n";
  return 0;
}
