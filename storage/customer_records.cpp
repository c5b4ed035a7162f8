#include "storage/customer_records.hpp"

#include <functional>

#include <nlohmann/json.hpp>

#include "storage/json_codec.hpp"
#include "storage/keys.hpp"

namespace troupe::storage {

namespace {

using json = nlohmann::json;

/// Visits (column, key, bytes) of every record of customer `id`.
using record_visit = std::function<status(column, std::string_view, std::string_view)>;

/// Calls `visit` with each campaign id that has keys in column `c`, in key
/// order, skipping over each campaign's range.
status each_campaign(const store& db, column c,
                     const std::function<status(const std::string&)>& visit) {
  std::string from;
  for (;;) {
    std::optional<std::string> campaign;
    auto st = db.scan_raw(c, from, "", [&](std::string_view key, std::string_view) {
      campaign = std::string{key.substr(0, key.find('\0'))};
      return false;
    });
    if (!st)
      return st;
    if (!campaign)
      return status::success();
    if (auto done = visit(*campaign); !done)
      return done;
    from = keys::prefix_end(*campaign + '\0'); // never empty: ends in 0x01
  }
}

status visit_customer_records(const store& db, std::string_view id, const record_visit& visit) {
  auto customer_key = keys::customer(db.shard_of(id), id);
  auto bytes = db.get_raw(column::customers, customer_key);
  if (!bytes)
    return bytes.err();
  if (bytes->has_value())
    if (auto st = visit(column::customers, customer_key, **bytes); !st)
      return st;
  // A triggered campaign's pending sends and entries: keyed by the shard and
  // the campaign first, found by a scan of the customer's shard.
  for (auto c : {column::timers, column::entries}) {
    status inner = status::success();
    auto shard = db.shard_of(id);
    auto st = db.scan_raw(c, keys::shard_begin(shard), keys::shard_end(shard),
                          [&](std::string_view key, std::string_view value) {
                            if (keys::customer_id_of_journey_key(key) == id)
                              inner = visit(c, key, value);
                            return static_cast<bool>(inner);
                          });
    if (!st)
      return st;
    if (!inner)
      return inner;
  }
  auto profile_key = keys::profile(db.shard_of(id), id);
  auto profile = db.get_raw(column::profiles, profile_key);
  if (!profile)
    return profile.err();
  if (profile->has_value())
    if (auto st = visit(column::profiles, profile_key, **profile); !st)
      return st;
  // Deliveries and dead letters: one key per campaign (a triggered
  // campaign's: one per entry, after it).
  for (auto c : {column::deliveries, column::dead_letters}) {
    auto st = each_campaign(db, c, [&](const std::string& campaign) -> status {
      auto key = keys::delivery(campaign, id);
      auto found = db.get_raw(c, key);
      if (!found)
        return found.err();
      if (found->has_value())
        if (auto st = visit(c, key, **found); !st)
          return st;
      auto prefix = key + '\0';
      status inner = status::success();
      auto st = db.scan_raw(c, prefix, keys::prefix_end(prefix),
                            [&](std::string_view k, std::string_view value) {
                              inner = visit(c, k, value);
                              return static_cast<bool>(inner);
                            });
      return st ? inner : st;
    });
    if (!st)
      return st;
  }
  // Events: a range per campaign (campaign, customer, type, event id).
  return each_campaign(db, column::events, [&](const std::string& campaign) -> status {
    auto prefix = keys::delivery(campaign, id) + '\0';
    status inner = status::success();
    auto st = db.scan_raw(column::events, prefix, keys::prefix_end(prefix),
                          [&](std::string_view key, std::string_view value) {
                            inner = visit(column::events, key, value);
                            return static_cast<bool>(inner);
                          });
    return st ? inner : st;
  });
}

template <class Record>
status parse_into(std::vector<Record>& out, column c, std::string_view key,
                  std::string_view bytes) {
  Record r;
  if (!r.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return make_error(storage_errc::corruption,
                      "a record of column '" + std::string{name_of(c)}
                        + "' does not parse (key " + json(std::string{key}).dump() + ")");
  out.push_back(std::move(r));
  return status::success();
}

} // namespace

result<std::optional<v1::Customer>> read_customer(const store& db, std::string_view id) {
  return db.get<v1::Customer>(column::customers, keys::customer(db.shard_of(id), id));
}

status scan_shard_customers_raw(
  const store& db, uint32_t shard, std::string_view after,
  const std::function<bool(std::string_view, std::string_view)>& visit) {
  std::string begin = after.empty() ? keys::shard_begin(shard) : std::string{after} + '\0';
  return db.scan_raw(column::customers, begin, keys::shard_end(shard), visit);
}

namespace {

template <class Record>
std::vector<std::string> serialized(const std::vector<Record>& records) {
  std::vector<std::string> out;
  out.reserve(records.size());
  for (auto& r : records)
    out.push_back(r.SerializeAsString());
  return out;
}

template <class Record>
status parsed(const std::vector<std::string>& bytes, std::vector<Record>& out, const char* what) {
  for (auto& b : bytes) {
    Record r;
    if (!r.ParseFromString(b))
      return make_error(storage_errc::corruption, std::string{"an exported "} + what
                                                    + " does not parse");
    out.push_back(std::move(r));
  }
  return status::success();
}

} // namespace

holdings_bytes to_bytes(std::string_view id, const customer_holdings& h) {
  holdings_bytes b;
  b.customer_id = std::string{id};
  b.has_customer = h.customer.has_value();
  if (h.customer)
    b.customer = h.customer->SerializeAsString();
  b.deliveries = serialized(h.deliveries);
  b.dead_letters = serialized(h.dead_letters);
  b.events = serialized(h.events);
  if (h.profile)
    b.profile = h.profile->SerializeAsString();
  b.pending_sends = serialized(h.pending_sends);
  b.entries = serialized(h.entries);
  return b;
}

result<customer_holdings> from_bytes(const holdings_bytes& b) {
  customer_holdings h;
  if (b.has_customer) {
    v1::Customer c;
    if (!c.ParseFromString(b.customer))
      return make_error(storage_errc::corruption, "an exported customer does not parse");
    h.customer = std::move(c);
  }
  for (auto st : {parsed(b.deliveries, h.deliveries, "delivery"),
                  parsed(b.dead_letters, h.dead_letters, "dead letter"),
                  parsed(b.events, h.events, "event"),
                  parsed(b.pending_sends, h.pending_sends, "pending send"),
                  parsed(b.entries, h.entries, "campaign entry")})
    if (!st)
      return st.err();
  if (!b.profile.empty()) {
    v1::Profile p;
    if (!p.ParseFromString(b.profile))
      return make_error(storage_errc::corruption, "an exported profile does not parse");
    h.profile = std::move(p);
  }
  return h;
}

uint64_t estimate_customers(const store& db) { return db.estimate_keys(column::customers); }

status write_customer(store& db, const v1::Customer& c) {
  return db.put(column::customers, keys::customer(db.shard_of(c.id()), c.id()), c);
}

void put_customer(const store& db, write_batch& batch, const v1::Customer& c) {
  batch.put(column::customers, keys::customer(db.shard_of(c.id()), c.id()), c);
}

status scan_customers(const store& db, std::optional<uint32_t> shard,
                      const std::function<bool(const v1::Customer&)>& visit) {
  auto each = [&](std::string_view, const v1::Customer& c) { return visit(c); };
  if (!shard)
    return db.scan<v1::Customer>(column::customers, "", "", each);
  return db.scan<v1::Customer>(column::customers, keys::shard_begin(*shard),
                               keys::shard_end(*shard), each);
}

status scan_customers_of(const store& db, const std::vector<bool>& shards,
                         const std::function<bool(const v1::Customer&)>& visit) {
  v1::Customer c;
  bool bad = false;
  auto st = db.scan_raw(column::customers, "", "", [&](std::string_view key,
                                                       std::string_view bytes) {
    if (key.size() < 2)
      return true; // not a customer key
    auto shard = (static_cast<uint32_t>(static_cast<uint8_t>(key[0])) << 8)
                 | static_cast<uint8_t>(key[1]);
    if (shard >= shards.size() || !shards[shard])
      return true;
    if (!c.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      bad = true;
      return false;
    }
    return visit(c);
  });
  if (!st)
    return st;
  if (bad)
    return make_error(storage_errc::corruption,
                      "a record in column 'customers' does not parse");
  return status::success();
}

uint32_t shard_of_customer(std::string_view id, uint32_t shard_count) {
  return keys::shard_of(id, shard_count);
}

result<uint64_t> count_customers(const store& db) {
  uint64_t total = 0;
  auto counted = db.scan_raw(column::customers, "", "", [&](std::string_view, std::string_view) {
    ++total;
    return true;
  });
  if (!counted)
    return counted.err();
  return total;
}

result<customer_holdings> read_customer_records(const store& db, std::string_view id) {
  customer_holdings h;
  auto st = visit_customer_records(
    db, id, [&](column c, std::string_view key, std::string_view bytes) -> status {
      switch (c) {
        case column::customers: {
          std::vector<v1::Customer> one;
          if (auto parsed = parse_into(one, c, key, bytes); !parsed)
            return parsed;
          h.customer = std::move(one.front());
          return status::success();
        }
        case column::deliveries:
          return parse_into(h.deliveries, c, key, bytes);
        case column::dead_letters:
          return parse_into(h.dead_letters, c, key, bytes);
        case column::timers:
          return parse_into(h.pending_sends, c, key, bytes);
        case column::entries:
          return parse_into(h.entries, c, key, bytes);
        case column::profiles: {
          std::vector<v1::Profile> one;
          if (auto parsed = parse_into(one, c, key, bytes); !parsed)
            return parsed;
          h.profile = std::move(one.front());
          return status::success();
        }
        default:
          return parse_into(h.events, c, key, bytes);
      }
    });
  if (!st)
    return st.err();
  return h;
}

result<erased_records> erase_customer_records(const store& db, std::string_view id,
                                              write_batch& batch) {
  erased_records e;
  auto st = visit_customer_records(
    db, id, [&](column c, std::string_view key, std::string_view) -> status {
      batch.erase(c, key);
      switch (c) {
        case column::customers: e.customer = true; break;
        case column::deliveries: ++e.deliveries; break;
        case column::dead_letters: ++e.dead_letters; break;
        case column::profiles: e.profile = true; break;
        case column::timers:
        case column::entries: ++e.journeys; break;
        default: ++e.events; break;
      }
      return status::success();
    });
  if (!st)
    return st.err();
  return e;
}

std::string holdings_to_json(std::string_view id, const customer_holdings& h) {
  auto list = [](const auto& records, auto to_json) {
    json out = json::array();
    for (auto& r : records)
      out.push_back(json::parse(to_json(r)));
    return out;
  };
  json out{{"customer_id", std::string{id}},
           {"customer", h.customer ? json::parse(customer_to_json(*h.customer)) : json(nullptr)},
           {"deliveries", list(h.deliveries, delivery_to_json)},
           {"dead_letters", list(h.dead_letters, dead_letter_to_json)},
           {"events", list(h.events, event_to_json)},
           {"profile", h.profile ? json::parse(profile_to_json(*h.profile)) : json(nullptr)},
           {"pending_sends", list(h.pending_sends, pending_send_to_json)},
           {"entries", list(h.entries, entries_to_json)}};
  return out.dump();
}

std::string erased_to_json(const erased_records& e) {
  return json{{"customer", e.customer},
              {"deliveries", e.deliveries},
              {"dead_letters", e.dead_letters},
              {"events", e.events},
              {"profile", e.profile},
              {"journeys", e.journeys}}
    .dump();
}

} // namespace troupe::storage
