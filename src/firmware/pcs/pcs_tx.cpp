#include "pcs/pcs_tx.hpp"

namespace stacksim::fw {

bool PcsTxQueue::push(const ssim_can_frame& frame, std::uint32_t due_ms) {
  if (size_ == kCapacity) {
    ++dropped_;
    return false;
  }
  ring_[(head_ + size_) % kCapacity] = Entry{frame, due_ms};
  ++size_;
  return true;
}

void PcsTxQueue::flush(std::uint32_t now_ms) {
  while (size_ > 0 && hal_ != nullptr) {
    const Entry& e = ring_[head_];
    // Due when now has reached due_ms (the millisecond counter may wrap).
    if (static_cast<std::int32_t>(now_ms - e.due_ms) < 0) return;
    const int status = hal_->can_send(hal_->ctx, kPort, &e.frame);
    if (status == SSIM_E_BUSY) return;
    if (status == SSIM_OK) {
      ++sent_;
    } else {
      ++dropped_;
    }
    head_ = (head_ + 1) % kCapacity;
    --size_;
  }
}

}  // namespace stacksim::fw
