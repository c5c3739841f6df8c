// What the PCS profile tests share: a fake board (HAL) that records the
// frames the firmware's PCS link sends, the link's parameters, the product
// DBC files and decoding a frame into signal values through them.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "pcs/pcs_link.hpp"
#include "protocol/codec.hpp"
#include "protocol/dbc.hpp"

namespace stacksim::pcs_test {

struct SentFrame {
  ssim_can_frame frame;
  std::uint64_t time_us;
};

// The board as the link sees it: time, calendar, CAN port 0, the log.
class FakeBoard {
 public:
  FakeBoard();
  const ssim_hal* hal() const { return &hal_; }
  std::uint64_t now_us = 0;
  std::int64_t rtc_s = 0;
  int busy_sends = 0;  // this many next sends answer SSIM_E_BUSY
  std::vector<SentFrame> sent;
  std::vector<std::string> log;

 private:
  ssim_hal hal_{};
};

// The link's parameters; every key the link requires, defaults as index 0.
class PcsParams {
 public:
  explicit PcsParams(const std::string& protocol);
  PcsParams& set(const std::string& key, std::int32_t value);
  fw::ParamSet set() const;

 private:
  std::vector<std::pair<std::string, std::int32_t>> values_;
  mutable std::vector<ssim_param> table_;
};

// Per-module cells for inquiries: cell c of module m reads 3200 + 10 m + c mV,
// sensor s reads 200 + 10 m + s dC.
class FakeCells final : public fw::PcsCellSource {
 public:
  FakeCells(int modules, int cells, int temps) : modules_(modules), cells_(cells), temps_(temps) {}
  int module_cells(std::uint16_t module, std::uint16_t* mV, int max) const override;
  int module_temperatures(std::uint16_t module, std::int16_t* dC, int max) const override;

 private:
  int modules_, cells_, temps_;
};

// A link on a fake board, configured and given a report.
struct LinkRig {
  LinkRig(const PcsParams& params, const fw::PcsReport& report, const char* product = "gtx3000",
          const fw::PcsCellSource* cells = nullptr);
  // Ticks every 10 ms up to (not including) end_ms, the board's clock with it.
  void tick_until(std::uint32_t end_ms);
  std::vector<ssim_can_frame> frames() const;

  FakeBoard board;
  fw::PcsLink link;
  std::uint32_t next_ms = 0;
};

const protocol::Dbc& dbc(const std::string& profile);  // models/dbc/<profile>.dbc
// The id a DBC describes (address 0): Pylon HV masks the low nibble, Sofar bits 12-15.
std::uint32_t dbc_id(const std::string& profile, const ssim_can_frame& f);
const protocol::Message* find_message(const std::string& profile, const ssim_can_frame& f);
bus::CanFrame to_bus(const ssim_can_frame& f);
ssim_can_frame make_frame(std::uint32_t id, bool extended, std::initializer_list<std::uint8_t> bytes);
// Every signal of `m` decoded from `f`.
std::map<std::string, double> decode_all(const protocol::Message& m, const bus::CanFrame& f);

}  // namespace stacksim::pcs_test
