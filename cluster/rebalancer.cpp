#include "cluster/rebalancer.hpp"

#include <algorithm>

#include "cluster/cluster_errc.hpp"

namespace troupe::cluster {

rebalancer::step rebalancer::next(const cluster_view& view, clock_type::time_point now,
                                  const std::function<bool(const std::string&)>& reachable) {
  step out;
  if (moving_ && now - started_ > deadline_) {
    out.move = *moving_;
    out.expired = true;
    moving_.reset();
  }
  if (moving_)
    return out;
  auto move = sharding::next_move(view.map, view.receivers(), view.leaving());
  if (!move)
    return out;
  out.move = *move;
  if (move->from.empty()) {
    out.what = action::apply;
    return out;
  }
  if (!reachable(move->from) || !reachable(move->to))
    return out; // the next step tries again
  out.what = action::stream;
  moving_ = move;
  started_ = now;
  return out;
}

std::optional<rebalancer::clock_type::duration>
rebalancer::finished(const sharding::shard_move& move, clock_type::time_point now) {
  if (!moving_ || moving_->shard != move.shard || moving_->to != move.to)
    return std::nullopt;
  moving_.reset();
  return now - started_;
}

void rebalancer::forget(const std::string& id) {
  if (moving_ && (moving_->from == id || moving_->to == id))
    moving_.reset();
}

std::vector<uint32_t> outgoing_shards::to_erase(const sharding::shard_map& map,
                                                const std::string& self) {
  std::vector<uint32_t> out;
  for (auto shard : outgoing_)
    if (map.primary(shard) != self && erasing_.insert(shard).second)
      out.push_back(shard);
  return out;
}

void outgoing_shards::erased(uint32_t shard) {
  outgoing_.erase(shard);
  erasing_.erase(shard);
}

void incoming_shards::prune(const sharding::shard_map& map) {
  for (auto i = expected_.begin(); i != expected_.end();)
    i = map.primary(i->first) != i->second ? expected_.erase(i) : std::next(i);
}

result<drain_plan> start_drain(const cluster_view& view, const std::string& id) {
  auto* m = view.find(id);
  if (m == nullptr)
    return make_error(cluster_errc::unknown_member, "no member named '" + id + "'");
  if (m->state == member_state::down)
    return make_error(cluster_errc::member_down,
                      "member " + id + " is down: its shards cannot be streamed");
  auto others = view.receivers();
  others.erase(std::remove(others.begin(), others.end(), id), others.end());
  if (others.empty())
    return make_error(cluster_errc::no_receiver,
                      "member " + id + " is the only one up: nobody could take its shards");
  drain_plan plan{view, false, view.map.shards_of(id).size()};
  if (m->state != member_state::leaving) {
    plan.view.find(id)->state = member_state::leaving;
    plan.changed = true;
  }
  return plan;
}

} // namespace troupe::cluster
