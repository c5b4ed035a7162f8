#include "customers/customer_import.hpp"

#include "common/log.hpp"
#include "customers/import_limits.hpp"
#include "storage/attribute_catalog.hpp"
#include "customers/sharded_write.hpp"
#include "storage/customer_parser.hpp"
#include "storage/keys.hpp"

namespace troupe::customers {

parsed_customers parse_customer_lines(const storage::store& db, const import_chunk& chunk,
                                      const config::input_limits& limits) {
  parsed_customers out;
  out.records.reserve(chunk.lines.size());
  storage::customer_parser parse_customer;
  for_each_record(
    chunk, limits, out.result, [&](const std::string& line) { return parse_customer.parse(line); },
    [&](const v1::Customer& c) { return customer_over_limit(c, limits); },
    [&](std::size_t i, uint64_t line_no, const v1::Customer& c) {
      parsed_customer p;
      p.index = i;
      p.line = line_no;
      p.shard = db.shard_of(c.id());
      p.key = storage::keys::customer(p.shard, c.id());
      p.bytes = c.SerializeAsString();
      out.records.push_back(std::move(p));
      for (const auto& kv : c.attributes())
        out.attribute_names.insert(kv.first);
    });
  return out;
}

import_result write_parsed_customers(storage::shard_writer& writer,
                                     sharding::shard_ownership* ownership,
                                     parsed_customers parsed) {
  auto out = std::move(parsed.result);
  // An upsert: a part this node may no longer write (a failover under
  // way) goes back as foreign, to the new primary.
  sharded_write shards{ownership, true};
  for (auto& p : parsed.records) {
    if (!shards.enter(p.shard)) {
      out.add_foreign(p.index, p.shard);
      continue;
    }
    shards.batch_for(p.shard, p.line, p.index)
      .put_owned(storage::column::customers, std::move(p.key), std::move(p.bytes));
    ++out.imported;
  }
  out.imported -= shards.write(writer, out);
  return out;
}

import_result write_and_catalog(storage::store& db, storage::shard_writer& writer,
                                sharding::shard_ownership* ownership, parsed_customers parsed) {
  auto names = std::move(parsed.attribute_names);
  auto out = write_parsed_customers(writer, ownership, std::move(parsed));
  if (out.imported > 0)
    if (auto st = storage::record_attribute_names(db, names); !st)
      log::warn("import", "cannot record the attribute names of imported customers: ",
                st.err().message(), " (predicates naming them may be refused)");
  return out;
}

} // namespace troupe::customers
