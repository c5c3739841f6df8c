#include "sim/firmware_node.hpp"

#include <limits>

namespace stacksim::sim {

namespace {
constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
}

FirmwareNode::FirmwareNode(FirmwareImage image, const ssim_hal* hal, const ssim_node_config* config)
    : image_(std::move(image)),
      fw_(image_.descriptor),
      hal_(hal),
      config_(config),
      period_ns_(static_cast<std::int64_t>(fw_->tick_period_us) * 1000),
      next_tick_ns_(kNever) {}

FirmwareNode::~FirmwareNode() { power_off(); }

void FirmwareNode::power_on(std::int64_t now_ns) {
  if (instance_ != nullptr) return;
  instance_ = fw_->create(hal_, config_);
  if (instance_ == nullptr) {
    ++failed_starts_;
    next_tick_ns_ = kNever;
    return;
  }
  next_tick_ns_ = now_ns + period_ns_;
}

void FirmwareNode::power_off() {
  if (instance_ != nullptr) fw_->destroy(instance_);
  instance_ = nullptr;
  next_tick_ns_ = kNever;
}

void FirmwareNode::tick() {
  next_tick_ns_ += period_ns_;
  ++ticks_;
  fw_->tick(instance_);
}

void FirmwareNode::can_receive(std::uint16_t port, const ssim_can_frame& frame) {
  if (instance_ != nullptr && fw_->can_receive != nullptr) fw_->can_receive(instance_, port, &frame);
}

void FirmwareNode::rs485_receive(std::uint16_t port, const std::uint8_t* data, std::size_t len) {
  if (instance_ != nullptr && fw_->rs485_receive != nullptr) {
    fw_->rs485_receive(instance_, port, data, len);
  }
}

}  // namespace stacksim::sim
