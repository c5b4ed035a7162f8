#include "runtime/customer_eraser.hpp"

#include <algorithm>
#include <map>
#include <memory>

#include <nlohmann/json.hpp>

#include "actors/actor_error.hpp"
#include "actors/atoms.hpp"
#include "cluster/member_protocol.hpp"
#include "runtime/fan_out.hpp"
#include "storage/customer_records.hpp"
#include "storage/json_codec.hpp"

namespace troupe::runtime {

namespace {

using answers_t = std::vector<member_answer<storage::erased_records>>;

std::string erased_text(const storage::erased_records& e) {
  if (e.total() == 0)
    return "nothing held";
  auto n = [](uint64_t k, const char* one, const char* many) {
    return std::to_string(k) + " " + (k == 1 ? one : many);
  };
  return std::string{e.customer ? "record, " : "no record, "}
         + n(e.deliveries, "delivery", "deliveries") + ", "
         + n(e.dead_letters, "dead letter", "dead letters") + ", " + n(e.events, "event", "events");
}

class customer_eraser : public std::enable_shared_from_this<customer_eraser> {
public:
  customer_eraser(coordinator_ptr self, gateway_context ctx, caf::response_promise rp,
                  customer_id id)
    : self_(self), ctx_(std::move(ctx)), rp_(std::move(rp)), id_(std::move(id)),
      deadline_(std::chrono::steady_clock::now() + std::chrono::seconds(60)),
      reach_deadline_(std::chrono::steady_clock::now() + std::chrono::seconds(5)) {}

  void round() {
    auto me = shared_from_this();
    everywhere_then<storage::erased_records>(
      self_, ctx_, node_part::customers, std::chrono::seconds(30),
      caf::make_message(actors::erase_atom::value, id_.str()),
      caf::make_message(cluster::local_atom::value, actors::erase_atom::value, id_),
      [me](const answers_t& answers, const unreachable_members& unreachable) {
        me->settle(answers, unreachable);
      });
  }

private:
  coordinator_ptr self_;
  gateway_context ctx_;
  caf::response_promise rp_;
  customer_id id_;
  std::chrono::steady_clock::time_point deadline_;       ///< for a shard being handed off
  std::chrono::steady_clock::time_point reach_deadline_; ///< for a member out of reach
  std::map<std::string, storage::erased_records> erased_; ///< per member, over every round

  void settle(const answers_t& answers, const unreachable_members& unreachable) {
    bool moving = false;
    std::vector<std::string> failed;
    for (auto& a : answers) {
      if (a.reply)
        erased_[a.node] += *a.reply;
      else if (actors::is(a.cause, actors::actors_errc::shard_moving))
        moving = true;
      else
        failed.push_back(a.node + ": " + a.error);
    }
    // A member the view has just seen come back may not be connected yet:
    // give the unreachable a few seconds before giving up on them.
    auto now = std::chrono::steady_clock::now();
    bool wait_for_members = !unreachable.empty() && now < reach_deadline_;
    if ((moving || wait_for_members) && failed.empty() && now < deadline_) {
      auto me = shared_from_this();
      after(self_, std::chrono::milliseconds(100), [me] { me->round(); });
      return;
    }
    if (moving)
      failed.push_back("its shard is still being handed off");
    auto store = ctx_.status->store;
    auto shard = store ? store->shard_of(id_.str()) : 0;
    for (auto& [node, shards] : unreachable) {
      bool owner = store && std::find(shards.begin(), shards.end(), shard) != shards.end();
      failed.push_back(node + " cannot be reached ("
                       + (owner ? "it owns shard " + std::to_string(shard) + ", the customer's"
                                : "it holds " + std::to_string(shards.size()) + " shards")
                       + ")");
    }
    answer(failed);
  }

  void answer(const std::vector<std::string>& failed) {
    storage::erased_records total;
    nlohmann::json members = nlohmann::json::array();
    std::string done;
    for (auto& [node, e] : erased_) {
      total += e;
      auto member = nlohmann::json::parse(storage::erased_to_json(e));
      member["node_id"] = node;
      members.push_back(std::move(member));
      done += (done.empty() ? "" : "; ") + node + ": " + erased_text(e);
    }
    if (!failed.empty()) {
      std::string why;
      for (auto& f : failed)
        why += (why.empty() ? "" : "; ") + f;
      return finish(self_, rp_,
                    runtime_failure(runtime_errc::not_everywhere,
                                    "customer '" + id_.str() + "' is not erased everywhere: " + why
                                      + (done.empty() ? std::string{} : " (erased: " + done + ")")
                                      + "; run `customer delete " + id_.str()
                                      + "` again once every member is up"));
    }
    auto out = nlohmann::json::parse(storage::erased_to_json(total));
    out["customer_id"] = id_.str();
    out["members"] = std::move(members);
    finish(self_, rp_, out.dump());
  }
};

} // namespace

coordinator_work erase_everywhere(gateway_context ctx, customer_id id) {
  return [ctx, id](coordinator_ptr self, caf::response_promise rp) {
    std::make_shared<customer_eraser>(self, ctx, std::move(rp), id)->round();
  };
}

} // namespace troupe::runtime
