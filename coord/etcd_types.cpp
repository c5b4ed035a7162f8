#include "coord/etcd_types.hpp"

#include <utility>

namespace troupe::coord {

compare compare::mod_revision_is(std::string key, int64_t revision) {
  return compare{target::mod, relation::equal, std::move(key), revision, {}};
}

compare compare::absent(std::string key) {
  return compare{target::create, relation::equal, std::move(key), 0, {}};
}

compare compare::value_is(std::string key, std::string value) {
  return compare{target::value, relation::equal, std::move(key), 0, std::move(value)};
}

compare compare::lease_is(std::string key, int64_t id) {
  return compare{target::lease, relation::equal, std::move(key), id, {}};
}

compare compare::none_created_after(const std::string& prefix, int64_t revision) {
  compare c{target::create, relation::less, prefix, revision + 1, {}};
  c.range_end = prefix_end(prefix);
  return c;
}

txn_op txn_op::get(std::string key) {
  return txn_op{kind::range, std::move(key), {}, {}, 0};
}

txn_op txn_op::range(std::string begin, std::string end) {
  return txn_op{kind::range, std::move(begin), std::move(end), {}, 0};
}

txn_op txn_op::prefix(std::string prefix) {
  auto end = prefix_end(prefix);
  return range(prefix.empty() ? std::string(1, '\0') : std::move(prefix), std::move(end));
}

txn_op txn_op::put(std::string key, std::string value, int64_t lease) {
  return txn_op{kind::put, std::move(key), {}, std::move(value), lease};
}

txn_op txn_op::erase(std::string key) {
  return txn_op{kind::erase, std::move(key), {}, {}, 0};
}

txn_op txn_op::erase_prefix(std::string prefix) {
  auto op = txn_op::prefix(std::move(prefix));
  op.what = kind::erase;
  return op;
}

std::string prefix_end(const std::string& prefix) {
  std::string end = prefix;
  while (!end.empty()) {
    auto last = static_cast<unsigned char>(end.back());
    if (last < 0xff) {
      end.back() = static_cast<char>(last + 1);
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\0');
}

} // namespace troupe::coord
