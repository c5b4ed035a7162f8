#include "storage/keys.hpp"

#include <cassert>

namespace troupe::storage::keys {

namespace {

void append_u16(std::string& out, uint32_t value) {
  assert(value <= 0xFFFF);
  out.push_back(static_cast<char>((value >> 8) & 0xFF));
  out.push_back(static_cast<char>(value & 0xFF));
}

} // namespace

uint64_t fnv1a(std::string_view text) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

uint32_t shard_of(std::string_view customer_id, uint32_t shard_count) {
  return static_cast<uint32_t>(fnv1a(customer_id) % shard_count);
}

std::string customer(uint32_t shard, std::string_view customer_id) {
  std::string key;
  key.reserve(2 + customer_id.size());
  append_u16(key, shard);
  key.append(customer_id);
  return key;
}

std::string shard_begin(uint32_t shard) {
  std::string key;
  append_u16(key, shard);
  return key;
}

std::string shard_end(uint32_t shard) {
  // The last shard has no upper bound (an empty end).
  return shard >= 0xFFFF ? std::string{} : shard_begin(shard + 1);
}

uint32_t shard_of_key(std::string_view customer_key) {
  assert(customer_key.size() >= 2);
  return (static_cast<uint32_t>(static_cast<unsigned char>(customer_key[0])) << 8)
         | static_cast<unsigned char>(customer_key[1]);
}

std::string_view customer_id_of_key(std::string_view customer_key) {
  return customer_key.substr(2);
}

std::string_view customer_id_of_campaign_key(std::string_view key) {
  auto begin = key.find('\0');
  if (begin == std::string_view::npos)
    return {};
  auto rest = key.substr(begin + 1);
  return rest.substr(0, rest.find('\0'));
}

std::string event(const v1::Event& e) {
  auto key = delivery(e.campaign_id(), e.customer_id());
  key.push_back('\0');
  key.append(e.type());
  key.push_back('\0');
  if (!e.dedup_key().empty()) {
    key.push_back('\x01'); // not an id of the same text
    key.append(e.dedup_key());
  } else if (!e.id().empty()) {
    key.append(e.id());
  } else {
    auto t = static_cast<uint64_t>(e.ts_ms());
    for (int shift = 56; shift >= 0; shift -= 8)
      key.push_back(static_cast<char>((t >> shift) & 0xff));
  }
  return key;
}

std::string delivery_of(const v1::Delivery& d) {
  return dead_letter_of(d.campaign_id(), d.customer_id(), d.occurrence());
}

std::string dead_letter_of(std::string_view campaign_id, std::string_view customer_id,
                           std::string_view occurrence) {
  auto key = delivery(campaign_id, customer_id);
  if (!occurrence.empty()) {
    key.push_back('\0');
    key.append(occurrence);
  }
  return key;
}

std::string journey(uint32_t shard, std::string_view campaign_id,
                    std::string_view customer_id) {
  auto key = shard_begin(shard);
  key.append(campaign_id);
  key.push_back('\0');
  key.append(customer_id);
  return key;
}

std::string_view customer_id_of_journey_key(std::string_view key) {
  if (key.size() < 2)
    return {};
  return customer_id_of_campaign_key(key.substr(2));
}

std::string delivery(std::string_view campaign_id, std::string_view customer_id) {
  std::string key;
  key.reserve(campaign_id.size() + 1 + customer_id.size());
  key.append(campaign_id);
  key.push_back('\0');
  key.append(customer_id);
  return key;
}

std::string campaign_prefix(std::string_view campaign_id) {
  std::string prefix{campaign_id};
  prefix.push_back('\0');
  return prefix;
}

std::string checkpoint(std::string_view campaign_id, uint32_t shard) {
  std::string key{campaign_id};
  key.push_back('\0');
  append_u16(key, shard);
  return key;
}

std::string shard_position(uint32_t shard) {
  std::string key{"shard_pos/"};
  append_u16(key, shard);
  return key;
}

std::optional<uint32_t> shard_of_checkpoint_key(std::string_view key) {
  if (key.size() < 3 || key[key.size() - 3] != '\0')
    return std::nullopt;
  return shard_of_key(key.substr(key.size() - 2));
}

std::string prefix_end(std::string_view prefix) {
  std::string end{prefix};
  while (!end.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(end.back());
    if (last != 0xFF) {
      ++last;
      return end;
    }
    end.pop_back();
  }
  return end; // empty: no upper bound
}

} // namespace troupe::storage::keys
