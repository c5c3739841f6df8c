// models/hardware/*.json -> hw::HardwareSpec. Every number is a
// {"value", "source"} pair; a part's section is present exactly when the
// board has that part (docs/hardware.md).
#include "sim/hardware_file.hpp"

#include <cmath>
#include <cstdint>
#include <vector>

#include "sim/model_files.hpp"
#include "sim/model_reading.hpp"

namespace stacksim::sim {
namespace {

using nlohmann::json;

class Reader {
 public:
  Reader(const JsonDocument& doc, Diagnostics& diags) : doc_(doc), diags_(diags) {}

  double number(ObjectReader& r, const char* key, double min, double max) {
    return sourced(doc_, r, key, min, max, diags_).value_or(min);
  }
  std::int64_t ms_to_ns(ObjectReader& r, const char* key, double min_ms, double max_ms) {
    return std::llround(number(r, key, min_ms, max_ms) * 1e6);
  }
  std::int64_t whole(ObjectReader& r, const char* key, double min, double max) {
    const auto v = sourced(doc_, r, key, min, max, diags_);
    if (!v) return static_cast<std::int64_t>(min);
    if (*v != std::floor(*v)) r.error(key, "expected a whole number");
    return static_cast<std::int64_t>(*v);
  }
  std::uint16_t count(ObjectReader& r, const char* key, double max) {
    return static_cast<std::uint16_t>(whole(r, key, 0, max));
  }
  // {"value": true/false, "source": "..."}
  bool flag_value(ObjectReader& parent, const char* key) {
    const json* node = parent.child(key, true);
    if (!node) return false;
    ObjectReader r(doc_, *node, parent.pointer_of(key), diags_);
    const auto v = r.boolean("value", true);
    require_source(r);
    r.finish();
    return v.value_or(false);
  }
  // {"value": [whole numbers], "source": "..."}
  std::vector<std::uint16_t> positions(ObjectReader& parent, const char* key) {
    std::vector<std::uint16_t> out;
    const json* node = parent.child(key, true);
    if (!node) return out;
    ObjectReader r(doc_, *node, parent.pointer_of(key), diags_);
    const json* list = r.child("value", true);
    require_source(r);
    r.finish();
    if (!list) return out;
    if (!list->is_array()) {
      r.error("value", "expected an array of series positions (0-based whole numbers)");
      return out;
    }
    for (std::size_t i = 0; i < list->size(); ++i) {
      const json& e = (*list)[i];
      if (!e.is_number() || e.get<double>() < 0 || e.get<double>() >= SSIM_MAX_CELLS ||
          e.get<double>() != std::floor(e.get<double>())) {
        doc_.error(diags_, json_pointer_append(r.pointer_of("value"), i),
                   "expected a whole number in [0, " + std::to_string(SSIM_MAX_CELLS - 1) + "]");
        continue;
      }
      out.push_back(static_cast<std::uint16_t>(e.get<double>()));
    }
    if (out.size() > SSIM_MAX_TEMPS) r.error("value", "expected at most " + std::to_string(SSIM_MAX_TEMPS) + " sensors");
    return out;
  }
  // A section that only says the part is there and where that comes from.
  bool presence(ObjectReader& parent, const char* key) {
    const json* node = parent.child(key, false);
    if (!node) return false;
    ObjectReader r(doc_, *node, parent.pointer_of(key), diags_);
    require_source(r);
    r.finish();
    return true;
  }
  const JsonDocument& doc() const { return doc_; }
  Diagnostics& diags() { return diags_; }

 private:
  const JsonDocument& doc_;
  Diagnostics& diags_;
};

// Opens an optional section; `fill` reads it.
template <typename F>
void section(Reader& rd, ObjectReader& parent, const char* key, bool required, F&& fill) {
  const json* node = parent.child(key, required);
  if (!node) return;
  ObjectReader r(rd.doc(), *node, parent.pointer_of(key), rd.diags());
  fill(r);
  r.finish();
}

hw::SupplySpec read_supply(Reader& rd, ObjectReader& r) {
  hw::SupplySpec s;
  const auto mode = r.choice("mode", true, {"dcdc", "bcu", "latched"});
  require_source(r);
  s.mode = !mode || *mode == "latched" ? hw::PowerMode::kLatched
           : *mode == "dcdc"           ? hw::PowerMode::kDcDc
                                       : hw::PowerMode::kFromBcu;
  if (s.mode == hw::PowerMode::kDcDc) {
    s.input_min_V = rd.number(r, "input_min_V", 0.0, 2000.0);
    s.input_max_V = rd.number(r, "input_max_V", 0.0, 2000.0);
    if (s.input_max_V <= s.input_min_V) r.error("input_max_V", "expected above input_min_V");
  }
  if (s.mode == hw::PowerMode::kLatched) {
    section(rd, r, "wake", false, [&](ObjectReader& w) {
      hw::WakeSpec wake;
      wake.min_V = rd.number(w, "min_V", 0.0, 1000.0);
      wake.max_V = rd.number(w, "max_V", 0.0, 1000.0);
      if (wake.max_V <= wake.min_V) w.error("max_V", "expected above min_V");
      s.wake = wake;
    });
  }
  s.output_V = rd.number(r, "output_V", 1.0, 100.0);
  s.resolution_mV = rd.number(r, "resolution_mV", 0.001, 1000.0);
  s.gain_sigma = rd.number(r, "gain_sigma", 0.0, 0.1);
  return s;
}

hw::CellFrontEndSpec read_afe(Reader& rd, ObjectReader& r) {
  hw::CellFrontEndSpec a;
  a.channels = static_cast<std::uint16_t>(rd.whole(r, "channels", 1, SSIM_MAX_CELLS));
  a.lsb_mV = rd.number(r, "lsb_mV", 0.001, 100.0);
  a.min_mV = rd.number(r, "min_mV", -10000.0, 10000.0);
  a.max_mV = rd.number(r, "max_mV", -10000.0, 10000.0);
  if (a.max_mV <= a.min_mV) r.error("max_mV", "expected above min_mV");
  a.gain_sigma = rd.number(r, "gain_sigma", 0.0, 0.1);
  a.offset_sigma_mV = rd.number(r, "offset_sigma_mV", 0.0, 100.0);
  a.noise_sigma_mV = rd.number(r, "noise_sigma_mV", 0.0, 100.0);
  a.scan_period_ns = rd.ms_to_ns(r, "scan_period_ms", 0.001, 60000.0);
  return a;
}

hw::TemperatureSensorsSpec read_temperatures(Reader& rd, ObjectReader& r) {
  hw::TemperatureSensorsSpec t;
  t.positions = rd.positions(r, "positions");
  t.r25_ohm = rd.number(r, "r25_ohm", 1.0, 1e7);
  t.beta_K = rd.number(r, "beta_K", 100.0, 10000.0);
  t.r25_tolerance = rd.number(r, "r25_tolerance", 0.0, 0.2);
  t.beta_tolerance = rd.number(r, "beta_tolerance", 0.0, 0.2);
  t.pullup_ohm = rd.number(r, "pullup_ohm", 1.0, 1e7);
  t.adc_bits = static_cast<int>(rd.whole(r, "adc_bits", 8, 16));
  t.adc_noise_lsb = rd.number(r, "adc_noise_lsb", 0.0, 100.0);
  t.time_constant_s = rd.number(r, "time_constant_s", 0.001, 1e5);
  t.sample_period_ns = rd.ms_to_ns(r, "sample_period_ms", 0.001, 60000.0);
  t.board_self_heating_C = rd.number(r, "board_self_heating_C", -20.0, 100.0);
  return t;
}

hw::CurrentShuntSpec read_shunt(Reader& rd, ObjectReader& r) {
  hw::CurrentShuntSpec s;
  s.resolution_mA = rd.number(r, "resolution_mA", 0.001, 10000.0);
  s.range_A = rd.number(r, "range_A", 0.1, 1e5);
  s.gain_sigma = rd.number(r, "gain_sigma", 0.0, 0.1);
  s.offset_sigma_mA = rd.number(r, "offset_sigma_mA", 0.0, 1e5);
  s.noise_sigma_mA = rd.number(r, "noise_sigma_mA", 0.0, 1e5);
  s.sample_period_ns = rd.ms_to_ns(r, "sample_period_ms", 0.001, 60000.0);
  return s;
}

hw::VoltageSenseSpec read_vsense(Reader& rd, ObjectReader& r) {
  hw::VoltageSenseSpec s;
  s.resolution_mV = rd.number(r, "resolution_mV", 0.001, 10000.0);
  s.range_V = rd.number(r, "range_V", 0.1, 1e5);
  s.gain_sigma = rd.number(r, "gain_sigma", 0.0, 0.1);
  s.offset_sigma_mV = rd.number(r, "offset_sigma_mV", 0.0, 1e5);
  s.noise_sigma_mV = rd.number(r, "noise_sigma_mV", 0.0, 1e5);
  s.sample_period_ns = rd.ms_to_ns(r, "sample_period_ms", 0.001, 60000.0);
  return s;
}

hw::ContactorSpec read_contactor(Reader& rd, ObjectReader& r) {
  hw::ContactorSpec c;
  c.close_ns = rd.ms_to_ns(r, "close_ms", 0.0, 10000.0);
  c.open_ns = rd.ms_to_ns(r, "open_ms", 0.0, 10000.0);
  c.auxiliary_contact = rd.flag_value(r, "auxiliary_contact");
  return c;
}

hw::FuseSpec read_fuse(Reader& rd, ObjectReader& r) {
  hw::FuseSpec f;
  f.rated_current_A = rd.number(r, "rated_current_A", 0.1, 1e5);
  f.melting_i2t_A2s = rd.number(r, "melting_i2t_A2s", 1e-3, 1e9);
  f.cooling_time_constant_s = rd.number(r, "cooling_time_constant_s", 1e-3, 1e6);
  return f;
}

hw::BoardSpec read_board(Reader& rd, ObjectReader& r, ssim_role role) {
  hw::BoardSpec b;
  b.role = role;
  section(rd, r, "supply", true, [&](ObjectReader& s) { b.supply = read_supply(rd, s); });
  section(rd, r, "cell_front_end", false, [&](ObjectReader& s) { b.afe = read_afe(rd, s); });
  section(rd, r, "temperature_sensors", true, [&](ObjectReader& s) { b.temperatures = read_temperatures(rd, s); });
  section(rd, r, "current_shunt", false, [&](ObjectReader& s) { b.shunt = read_shunt(rd, s); });
  section(rd, r, "voltage_sense", false, [&](ObjectReader& s) { b.voltage_sense = read_vsense(rd, s); });
  section(rd, r, "main_contactors", false, [&](ObjectReader& s) { b.main_contactors = read_contactor(rd, s); });
  section(rd, r, "precharge", false, [&](ObjectReader& s) {
    hw::PrechargeSpec p;
    p.relay = read_contactor(rd, s);
    p.resistance_ohm = rd.number(s, "resistance_ohm", 0.01, 1e6);
    b.precharge = p;
  });
  section(rd, r, "fuse", false, [&](ObjectReader& s) { b.fuse = read_fuse(rd, s); });
  b.breaker = rd.presence(r, "breaker");
  b.body_diodes = rd.presence(r, "body_diodes");
  b.charge_block = rd.presence(r, "charge_block");
  b.link_coding = rd.presence(r, "link_coding");
  b.button = rd.presence(r, "button");
  b.address_coding = rd.presence(r, "address_coding");
  b.balancing = rd.presence(r, "balancing");
  b.leds = rd.count(r, "leds", SSIM_MAX_LEDS);
  b.dry_contacts = rd.count(r, "dry_contacts", 2);
  b.can_ports = rd.count(r, "can_ports", SSIM_MAX_PORTS);
  b.rs485_ports = rd.count(r, "rs485_ports", SSIM_MAX_PORTS);
  // Parts that only make sense together.
  if (b.precharge && !b.main_contactors) r.error("precharge", "expected main_contactors as well: pre-charge bypasses the positive contactor");
  if (b.balancing && !b.afe) r.error("balancing", "expected a cell_front_end: balancing switches sit across its channels");
  if ((b.body_diodes || b.charge_block) && !b.main_contactors) {
    r.error(b.body_diodes ? "body_diodes" : "charge_block", "expected main_contactors as well: it acts on the main path");
  }
  if (b.main_contactors && !b.shunt) r.error("main_contactors", "expected a current_shunt on a board that switches its branch");
  if (b.supply.mode == hw::PowerMode::kLatched && !b.button && !b.supply.wake) {
    r.error("supply", "expected a button or a wake input: a latched supply needs something to start it");
  }
  if ((role == SSIM_ROLE_MODULE || role == SSIM_ROLE_PACK) && !b.afe) {
    r.error("cell_front_end", "expected on a module or pack board");
  }
  return b;
}

}  // namespace

std::optional<hw::HardwareSpec> load_hardware_file(const std::filesystem::path& data_dir,
                                                   const std::string& product, Diagnostics& diags) {
  const std::size_t before = diags.size();
  if (!is_safe_name(product)) {
    diags.add("", "", {}, "product name \"" + product + "\": expected lower-case letters, digits, '-', '_' or '.'");
    return std::nullopt;
  }
  const auto path = data_dir / "models" / "hardware" / (product + ".json");
  auto doc = load_json_file(path, path.string(), diags);
  if (!doc) return std::nullopt;
  ObjectReader r(*doc, doc->root, "", diags);
  check_format(r, "stacksim-hardware");
  const auto name = r.string("name", true);
  if (name && *name != product) r.error("name", "expected the file's own name \"" + product + "\"");
  r.string("description", true);
  Reader rd(*doc, diags);
  hw::HardwareSpec spec;
  spec.product = product;
  section(rd, r, "dc_link", true, [&](ObjectReader& s) {
    spec.dc_link.capacitance_F = rd.number(s, "capacitance_F", 1e-9, 10.0);
    spec.dc_link.bleed_resistance_ohm = rd.number(s, "bleed_resistance_ohm", 0.0, 1e9);
    spec.dc_link.inrush_threshold_fraction = rd.number(s, "inrush_threshold_fraction", 0.0, 1.0);
  });
  section(rd, r, "boards", true, [&](ObjectReader& boards) {
    const std::pair<const char*, ssim_role> roles[] = {
        {"bcu", SSIM_ROLE_BCU}, {"module", SSIM_ROLE_MODULE}, {"pack", SSIM_ROLE_PACK}};
    for (const auto& [key, role] : roles) {
      section(rd, boards, key, false, [&](ObjectReader& b) { spec.boards.push_back(read_board(rd, b, role)); });
    }
    if (spec.boards.empty()) boards.error("", "expected at least one of \"bcu\", \"module\", \"pack\"");
  });
  r.finish();
  if (diags.size() != before) return std::nullopt;

  // The cells the front ends and thermistors are wired to come from the
  // product file.
  auto p = load_product_file(data_dir / "models" / "products" / (product + ".json"), diags);
  if (!p) return std::nullopt;
  const std::size_t series = p->module.series_groups;
  const bool hv = p->kind == ProductKind::kHvString;
  for (std::size_t i = 0; i < spec.boards.size(); ++i) {
    const hw::BoardSpec& b = spec.boards[i];
    const char* key = b.role == SSIM_ROLE_BCU ? "bcu" : b.role == SSIM_ROLE_MODULE ? "module" : "pack";
    const std::string board_ptr = json_pointer_append("/boards", key);
    if (hv != (b.role != SSIM_ROLE_PACK)) {
      doc->error(diags, board_ptr, std::string("a ") + (hv ? "hv-string" : "lv-pack") + " product has no \"" + key + "\" board");
    }
    if (b.afe && b.afe->channels != series) {
      doc->error(diags, board_ptr + "/cell_front_end/channels/value",
                 "expected " + std::to_string(series) + ", the product's series cells");
    }
    for (std::size_t k = 0; k < b.temperatures.positions.size(); ++k) {
      if (b.temperatures.positions[k] >= series) {
        doc->error(diags, json_pointer_append(board_ptr + "/temperature_sensors/positions/value", k),
                   "expected a series position below " + std::to_string(series));
      }
    }
  }
  if (hv && (!spec.board(SSIM_ROLE_BCU) || !spec.board(SSIM_ROLE_MODULE))) {
    doc->error(diags, "/boards", "expected \"bcu\" and \"module\" boards for an hv-string product");
  }
  if (!hv && !spec.board(SSIM_ROLE_PACK)) doc->error(diags, "/boards", "expected a \"pack\" board for an lv-pack product");
  if (diags.size() != before) return std::nullopt;
  return spec;
}

}  // namespace stacksim::sim
