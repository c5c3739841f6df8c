#include "reference.hpp"

#include <new>

#include "bcu/bcu_bms.hpp"
#include "module/module_bms.hpp"
#include "pack/pack_bms.hpp"

namespace stacksim::fw {
namespace {

// The instance remembers its role so the plain C callbacks can dispatch.
struct Instance {
  ssim_role role;
  void* bms;
};

template <typename Bms>
Instance* make(ssim_role role, const ssim_hal* hal, const ssim_node_config* config) {
  Bms* bms = new (std::nothrow) Bms(hal, *config);
  if (bms == nullptr) return nullptr;
  if (!bms->ok()) {
    delete bms;
    return nullptr;
  }
  Instance* instance = new (std::nothrow) Instance{role, bms};
  if (instance == nullptr) delete bms;
  return instance;
}

void* create(const ssim_hal* hal, const ssim_node_config* config) {
  if (config->abi_version != SSIM_HAL_ABI_VERSION) return nullptr;
  switch (config->role) {
    case SSIM_ROLE_MODULE: return make<ModuleBms>(config->role, hal, config);
    case SSIM_ROLE_BCU: return make<BcuBms>(config->role, hal, config);
    case SSIM_ROLE_PACK: return make<PackBms>(config->role, hal, config);
  }
  hal->log(hal->ctx, SSIM_LOG_ERROR, "reference firmware: unknown role");
  return nullptr;
}

void destroy(void* p) {
  auto* instance = static_cast<Instance*>(p);
  switch (instance->role) {
    case SSIM_ROLE_MODULE: delete static_cast<ModuleBms*>(instance->bms); break;
    case SSIM_ROLE_BCU: delete static_cast<BcuBms*>(instance->bms); break;
    case SSIM_ROLE_PACK: delete static_cast<PackBms*>(instance->bms); break;
  }
  delete instance;
}

void tick(void* p) {
  auto* instance = static_cast<Instance*>(p);
  switch (instance->role) {
    case SSIM_ROLE_MODULE: static_cast<ModuleBms*>(instance->bms)->tick(); break;
    case SSIM_ROLE_BCU: static_cast<BcuBms*>(instance->bms)->tick(); break;
    case SSIM_ROLE_PACK: static_cast<PackBms*>(instance->bms)->tick(); break;
  }
}

void can_receive(void* p, std::uint16_t port, const ssim_can_frame* frame) {
  auto* instance = static_cast<Instance*>(p);
  switch (instance->role) {
    case SSIM_ROLE_MODULE: break;
    case SSIM_ROLE_BCU: static_cast<BcuBms*>(instance->bms)->can_receive(port, *frame); break;
    case SSIM_ROLE_PACK: static_cast<PackBms*>(instance->bms)->can_receive(port, *frame); break;
  }
}

void rs485_receive(void* p, std::uint16_t port, const std::uint8_t* data, std::size_t len) {
  auto* instance = static_cast<Instance*>(p);
  switch (instance->role) {
    case SSIM_ROLE_MODULE:
      static_cast<ModuleBms*>(instance->bms)->rs485_receive(port, data, len);
      break;
    case SSIM_ROLE_BCU: static_cast<BcuBms*>(instance->bms)->rs485_receive(port, data, len); break;
    case SSIM_ROLE_PACK: static_cast<PackBms*>(instance->bms)->rs485_receive(port, data, len); break;
  }
}

constexpr ssim_firmware kDescriptor = {
    SSIM_HAL_ABI_VERSION, "stacksim-reference-bms", "0.3.0", 10000u, create, destroy, tick,
    can_receive, rs485_receive,
};

}  // namespace
}  // namespace stacksim::fw

extern "C" const ssim_firmware* stacksim_reference_firmware(void) {
  return &stacksim::fw::kDescriptor;
}
