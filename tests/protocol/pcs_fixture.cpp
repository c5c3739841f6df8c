#include "pcs_fixture.hpp"

#include <stdexcept>

namespace stacksim::pcs_test {

FakeBoard::FakeBoard() {
  hal_.abi_version = SSIM_HAL_ABI_VERSION;
  hal_.ctx = this;
  hal_.time_us = [](void* c) { return static_cast<FakeBoard*>(c)->now_us; };
  hal_.rtc_s = [](void* c) { return static_cast<FakeBoard*>(c)->rtc_s; };
  hal_.can_send = [](void* c, std::uint16_t port, const ssim_can_frame* f) {
    auto* b = static_cast<FakeBoard*>(c);
    EXPECT_EQ(port, 0u) << "the PCS is on CAN port 0";
    if (b->busy_sends > 0) {
      --b->busy_sends;
      return static_cast<int>(SSIM_E_BUSY);
    }
    b->sent.push_back({*f, b->now_us});
    return static_cast<int>(SSIM_OK);
  };
  hal_.log = [](void* c, ssim_log_level, const char* m) { static_cast<FakeBoard*>(c)->log.emplace_back(m); };
}

PcsParams::PcsParams(const std::string& protocol) {
  const char* const names[] = {"pylon-lv", "pylon-hv", "sofar-hv", "growatt-lv"};
  int index = -1;
  for (int i = 0; i < 4; ++i) {
    if (protocol == names[i]) index = i;
  }
  if (index < 0) throw std::invalid_argument("unknown profile " + protocol);
  values_ = {{"pcs.protocol", index},
             {"pcs.address", 0},
             {"pcs.manufacturer", 0},
             {"pcs.pylon_lv.dvl", 0},
             {"pcs.pylon_lv.system_error_bit", 0},
             {"pcs.pylon_hv.byte_order", 0},
             {"pcs.pylon_hv.current_offset", 0},
             {"pcs.pylon_hv.dcl_sign", 0},
             {"comm.pcs_timeout_ms", 10000}};
}

PcsParams& PcsParams::set(const std::string& key, std::int32_t value) {
  for (auto& kv : values_) {
    if (kv.first == key) {
      kv.second = value;
      return *this;
    }
  }
  values_.emplace_back(key, value);
  return *this;
}

fw::ParamSet PcsParams::set() const {
  table_.clear();
  for (const auto& kv : values_) table_.push_back(ssim_param{kv.first.c_str(), kv.second});
  return fw::ParamSet(table_.data(), table_.size());
}

int FakeCells::module_cells(std::uint16_t module, std::uint16_t* mV, int max) const {
  if (module >= modules_) return 0;
  int n = 0;
  for (; n < max && n < cells_; ++n) mV[n] = static_cast<std::uint16_t>(3200 + 10 * module + n);
  return n;
}

int FakeCells::module_temperatures(std::uint16_t module, std::int16_t* dC, int max) const {
  if (module >= modules_) return 0;
  int n = 0;
  for (; n < max && n < temps_; ++n) dC[n] = static_cast<std::int16_t>(200 + 10 * module + n);
  return n;
}

LinkRig::LinkRig(const PcsParams& params, const fw::PcsReport& report, const char* product,
                 const fw::PcsCellSource* cells) {
  link.configure(board.hal(), params.set(), product, cells);
  link.set_report(report);
}

void LinkRig::tick_until(std::uint32_t end_ms) {
  for (; next_ms < end_ms; next_ms += 10) {
    board.now_us = next_ms * 1000ull;
    link.tick(next_ms);
  }
}

std::vector<ssim_can_frame> LinkRig::frames() const {
  std::vector<ssim_can_frame> out;
  for (const SentFrame& s : board.sent) out.push_back(s.frame);
  return out;
}

const protocol::Dbc& dbc(const std::string& profile) {
  static std::map<std::string, protocol::Dbc> cache;
  auto it = cache.find(profile);
  if (it == cache.end()) {
    Diagnostics d;
    auto loaded = protocol::Dbc::load(std::filesystem::path(STACKSIM_DATA_DIR) / "models/dbc" / (profile + ".dbc"), d);
    if (!loaded) throw std::runtime_error(d.format());
    it = cache.emplace(profile, std::move(*loaded)).first;
  }
  return it->second;
}

std::uint32_t dbc_id(const std::string& profile, const ssim_can_frame& f) {
  if (profile == "pylon-hv" && (f.id & ~0xFu) != 0x4200) return f.id & ~0xFu;
  if (profile == "sofar-hv" && f.id != 0x605 && f.id != 0x705) return f.id & ~0xF000u;
  return f.id;
}

const protocol::Message* find_message(const std::string& profile, const ssim_can_frame& f) {
  return dbc(profile).find(dbc_id(profile, f), f.extended != 0);
}

bus::CanFrame to_bus(const ssim_can_frame& f) {
  bus::CanFrame b;
  b.id = f.id;
  b.extended = f.extended != 0;
  b.rtr = f.rtr != 0;
  b.dlc = f.dlc;
  for (int i = 0; i < 8; ++i) b.data[static_cast<std::size_t>(i)] = f.data[i];
  return b;
}

ssim_can_frame make_frame(std::uint32_t id, bool extended, std::initializer_list<std::uint8_t> bytes) {
  ssim_can_frame f{};
  f.id = id;
  f.extended = extended ? 1 : 0;
  f.dlc = static_cast<std::uint8_t>(bytes.size());
  std::size_t i = 0;
  for (const std::uint8_t b : bytes) f.data[i++] = b;
  return f;
}

std::map<std::string, double> decode_all(const protocol::Message& m, const bus::CanFrame& f) {
  std::map<std::string, double> out;
  for (const protocol::Signal& s : m.signals) out[s.name] = protocol::decode(s, f.data.data());
  return out;
}

}  // namespace stacksim::pcs_test
