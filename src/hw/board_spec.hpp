// What a product's BMS boards are built of: one BoardSpec per board role,
// filled from models/hardware/<product>.json (sim/hardware_file.cpp). A part
// that is absent (std::nullopt, false, 0) is not on that board; the HAL then
// answers SSIM_E_RANGE for it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hw/board_power.hpp"
#include "hw/cell_front_end.hpp"
#include "hw/contactor.hpp"
#include "hw/current_shunt.hpp"
#include "hw/dc_link.hpp"
#include "hw/fuse.hpp"
#include "hw/temperature_sensors.hpp"
#include "hw/voltage_sense.hpp"
#include "stacksim/hal.h"

namespace stacksim::hw {

struct PrechargeSpec {
  ContactorSpec relay;
  double resistance_ohm = 50.0;
};

struct BoardSpec {
  ssim_role role = SSIM_ROLE_PACK;
  SupplySpec supply;
  std::optional<CellFrontEndSpec> afe;
  TemperatureSensorsSpec temperatures;            // no positions: board sensor only
  std::optional<CurrentShuntSpec> shunt;
  std::optional<VoltageSenseSpec> voltage_sense;  // battery and link side
  std::optional<ContactorSpec> main_contactors;   // positive and negative alike
  std::optional<PrechargeSpec> precharge;
  std::optional<FuseSpec> fuse;
  bool breaker = false;
  // LV MOSFET paths: POS is the charge FET, NEG the discharge FET, each
  // bridged by its body diode, so one FET on lets current through one way.
  bool body_diodes = false;
  // BCU: SSIM_OUT_CHARGE_BLOCK drives a charge-blocking switch with a diode
  // across it, so a full string stops charging and can still discharge.
  bool charge_block = false;
  // BCU: coding lines on the BCU Link Port (parallel strings).
  bool link_coding = false;
  bool button = false;
  bool address_coding = false;                    // ADR_IN/ADR_OUT (Link In/Out)
  bool balancing = false;
  std::uint16_t leds = 0;
  std::uint16_t dry_contacts = 0;
  std::uint16_t can_ports = 0;
  std::uint16_t rs485_ports = 0;
};

struct HardwareSpec {
  std::string product;
  std::vector<BoardSpec> boards;  // one per role the product has
  DcLinkSpec dc_link;

  const BoardSpec* board(ssim_role role) const {
    for (const BoardSpec& b : boards) {
      if (b.role == role) return &b;
    }
    return nullptr;
  }
};

}  // namespace stacksim::hw
