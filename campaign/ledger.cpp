#include "campaign/ledger.hpp"

#include <algorithm>

#include "storage/campaign_records.hpp"
#include "storage/outcome_records.hpp"

namespace troupe::campaign {

v1::DeadLetter dead_letter_of(const std::string& campaign_id, const work_item& w,
                              int64_t failed_at_ms) {
  v1::DeadLetter dl;
  dl.set_campaign_id(campaign_id);
  dl.set_customer_id(w.customer->id());
  dl.set_stage(w.reason.substr(0, w.reason.find(':')));
  dl.set_reason(w.reason);
  dl.set_attempts(std::max<uint32_t>(1, w.attempts));
  dl.set_failed_at_ms(failed_at_ms);
  dl.set_occurrence(w.occurrence);
  dl.set_event_ms(w.event_ms);
  return dl;
}

ledger::ledger(std::shared_ptr<storage::store> db, std::shared_ptr<storage::shard_writer> writer,
               bool audit, std::string campaign_id, std::string channel,
               const google::protobuf::RepeatedPtrField<v1::Arm>& arms)
  : db_(std::move(db)), writer_(std::move(writer)), audited_(audit),
    id_(std::move(campaign_id)), channel_(std::move(channel)), arms_(arms) {}

std::optional<std::size_t> ledger::audience_arm(const work_item& w, outcome counted) const {
  bool in = counted == outcome::delivered || counted == outcome::blocked
            || counted == outcome::failed || counted == outcome::pending
            || (counted == outcome::held_out && w.reason == holdout_arm_reason);
  if (!in)
    return std::nullopt;
  // The arm the assign (or segment) stage gave it, by name: no hash per
  // customer; a customer that failed before either is placed by the hash.
  if (!w.arm.empty())
    if (auto i = arms_.position_of(w.arm); i < arms_.size())
      return i;
  return arms_.index_of(id_, w.customer->id());
}

void ledger::audit(uint32_t shard, const work_item& w, int64_t now_ms) {
  if (!audited_)
    return;
  auto& to = parts_.of(shard).audit;
  for (auto& record : audit_records_of(id_, w, now_ms))
    to.push_back(std::move(record));
}

outcome ledger::record(const work_item& w, int64_t now_ms) {
  auto counted = w.result == outcome::pending ? outcome::failed : w.result;
  auto shard = db_->shard_of(w.customer->id());
  auto& batch = parts_.of(shard).batch;
  if (counted == outcome::delivered)
    storage::put_delivery(batch, delivery_of(id_, w, channel_, now_ms));
  else if (counted == outcome::failed)
    storage::put_dead_letter(batch, dead_letter_of(id_, w, now_ms));
  audit(shard, w, now_ms);
  ++items_;
  return counted;
}

void ledger::checkpoint(uint32_t shard, const v1::Checkpoint& cp) {
  storage::put_checkpoint(parts_.of(shard).batch, id_, shard, cp);
}

status ledger::rerecord(const work_item& w, v1::DeadLetter letter, int64_t now_ms) {
  const auto& customer_id = w.customer->id();
  auto shard = db_->shard_of(customer_id);
  auto& batch = parts_.of(shard).batch;
  audit(shard, w, now_ms);
  ++items_;
  if (w.result == outcome::failed || w.result == outcome::pending) {
    letter.set_reason(w.reason);
    letter.set_attempts(letter.attempts() + std::max<uint32_t>(1, w.attempts));
    letter.set_failed_at_ms(now_ms);
    storage::put_dead_letter(batch, letter);
    return status::success();
  }
  auto it = replayed_.find(shard);
  if (it == replayed_.end()) {
    auto cp = storage::read_checkpoint(*db_, id_, shard);
    if (!cp)
      return cp.err();
    it = replayed_.emplace(shard, cp->value_or(v1::Checkpoint{})).first;
  }
  auto counters = from_proto(it->second.counters());
  counters.recount(outcome::failed, w.result);
  if (!audience_arm(w, w.result)) // no longer in its arm's audience
    counters.count_arm(arms_.index_of(id_, customer_id), -1);
  *it->second.mutable_counters() = to_proto(counters);
  if (w.result == outcome::delivered)
    storage::put_delivery(batch, delivery_of(id_, w, channel_, now_ms));
  storage::erase_dead_letter(batch, id_, customer_id, letter.occurrence());
  return status::success();
}

void ledger::discard() {
  parts_.take();
  replayed_.clear();
  items_ = 0;
}

std::vector<storage::shard_write> ledger::take() {
  for (auto& [shard, cp] : replayed_)
    checkpoint(shard, cp);
  replayed_.clear();
  items_ = 0;
  return parts_.take();
}

status ledger::commit() {
  auto parts = take(); // written or not, the next commit starts anew
  if (parts.empty())
    return status::success();
  return writer_->write_all(parts);
}

} // namespace troupe::campaign
