#include "report/signals_csv_reader.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string_view>
#include <system_error>
#include <vector>

namespace stacksim::report {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Where one column's cells go. Exactly one of the three targets is set.
struct Binding {
  std::size_t column = 0;
  std::string name;
  Samples* samples = nullptr;
  std::vector<StateRun>* states = nullptr;
  std::vector<BitsRun>* bits = nullptr;
};

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    if (comma == std::string_view::npos) {
      fields.push_back(line.substr(start));
      return fields;
    }
    fields.push_back(line.substr(start, comma - start));
    start = comma + 1;
  }
}

std::optional<double> parse_number(std::string_view text) {
  double value = 0.0;
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, value);
  if (result.ec != std::errc{} || result.ptr != end) return std::nullopt;
  return value;
}

// "0x0000000a" as the writer formats bit sets, or a plain decimal ("1" for path_closed).
std::optional<std::uint32_t> parse_bits(std::string_view text) {
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
    base = 16;
  }
  std::uint32_t value = 0;
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, value, base);
  if (text.empty() || result.ec != std::errc{} || result.ptr != end) return std::nullopt;
  return value;
}

// The previous row's value held until this instant; a new value starts a run.
template <typename V>
void extend_runs(std::vector<Run<V>>& runs, double time_s, V value) {
  if (!runs.empty()) runs.back().to_s = time_s;
  if (runs.empty() || runs.back().value != value) runs.push_back({time_s, time_s, std::move(value)});
}

class Reader {
 public:
  Reader(const std::string& label, std::string& error) : label_(label), error_(error) {}

  bool header(std::string_view line);
  bool row(std::string_view line, int line_number);
  Signals take() { return std::move(signals_); }

 private:
  bool fail(int line_number, const std::string& message) {
    error_ = label_ + ":" + std::to_string(line_number) + ": " + message;
    return false;
  }
  void bind_samples(const std::string& name, Samples& target);
  void bind_unit(UnitSignals& unit);
  void unreadable(int line_number, const Binding& b, std::string_view text);

  const std::string& label_;
  std::string& error_;
  Signals signals_;
  std::map<std::string, std::size_t, std::less<>> columns_;
  std::size_t field_count_ = 0;
  std::size_t time_column_ = 0;
  std::vector<Binding> bindings_;
};

void Reader::bind_samples(const std::string& name, Samples& target) {
  const auto it = columns_.find(name);
  if (it != columns_.end()) bindings_.push_back({it->second, name, &target, nullptr, nullptr});
}

void Reader::bind_unit(UnitSignals& u) {
  const std::pair<const char*, Samples*> numbers[] = {
      {"voltage_V", &u.voltage_V},     {"current_A", &u.current_A},
      {"soc_pct", &u.soc_pct},         {"cell_min_V", &u.cell_min_V},
      {"cell_max_V", &u.cell_max_V},   {"temp_min_C", &u.temp_min_C},
      {"temp_max_C", &u.temp_max_C},   {"bms_soc_pct", &u.bms_soc_pct},
      {"charge_limit_A", &u.charge_limit_A}, {"discharge_limit_A", &u.discharge_limit_A}};
  for (const auto& [suffix, target] : numbers) bind_samples(u.name + "_" + suffix, *target);
  const std::pair<const char*, std::vector<BitsRun>*> bit_sets[] = {
      {"alarms", &u.alarms}, {"protections", &u.protections},
      {"faults", &u.faults}, {"path_closed", &u.path_closed}};
  for (const auto& [suffix, target] : bit_sets) {
    const std::string name = u.name + "_" + suffix;
    const auto it = columns_.find(name);
    if (it != columns_.end()) bindings_.push_back({it->second, name, nullptr, nullptr, target});
  }
  const std::string state = u.name + "_bms_state";
  const auto it = columns_.find(state);
  if (it != columns_.end()) bindings_.push_back({it->second, state, nullptr, &u.bms_state, nullptr});
}

bool Reader::header(std::string_view line) {
  const auto names = split_fields(line);
  field_count_ = names.size();
  std::vector<std::string> unit_names;
  constexpr std::string_view kUnitMarker = "_voltage_V";  // every unit has one; the system's has no prefix
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string name(names[i]);
    const auto [it, inserted] = columns_.emplace(name, i);
    if (!inserted) {
      return fail(1, "column '" + name + "' appears twice (columns " + std::to_string(it->second + 1) +
                         " and " + std::to_string(i + 1) + ")");
    }
    if (name.size() > kUnitMarker.size() && name.ends_with(kUnitMarker)) {
      unit_names.push_back(name.substr(0, name.size() - kUnitMarker.size()));
    }
  }
  const auto time = columns_.find("time_s");
  if (time == columns_.end()) return fail(1, "no 'time_s' column in the header");
  time_column_ = time->second;

  const std::pair<const char*, Samples*> system[] = {
      {"voltage_V", &signals_.voltage_V},   {"current_A", &signals_.current_A},
      {"power_W", &signals_.power_W},       {"soc_pct", &signals_.soc_pct},
      {"cell_min_V", &signals_.cell_min_V}, {"cell_max_V", &signals_.cell_max_V},
      {"temp_min_C", &signals_.temp_min_C}, {"temp_max_C", &signals_.temp_max_C}};
  for (const auto& [name, target] : system) bind_samples(name, *target);
  // Sized before binding: the bindings point into this vector.
  signals_.units.resize(unit_names.size());
  for (std::size_t i = 0; i < unit_names.size(); ++i) {
    signals_.units[i].name = unit_names[i];
    bind_unit(signals_.units[i]);
  }
  return true;
}

void Reader::unreadable(int line_number, const Binding& b, std::string_view text) {
  if (signals_.unreadable_values++ == 0) {
    signals_.first_unreadable =
        label_ + ":" + std::to_string(line_number) + ": " + b.name + ": '" + std::string(text) + "'";
  }
}

bool Reader::row(std::string_view line, int line_number) {
  const auto fields = split_fields(line);
  if (fields.size() != field_count_) {
    return fail(line_number, std::to_string(fields.size()) + " fields where the header has " +
                                 std::to_string(field_count_));
  }
  const auto time = parse_number(fields[time_column_]);
  if (!time || !std::isfinite(*time)) {
    return fail(line_number, "time_s: expected a number of seconds, got '" +
                                 std::string(fields[time_column_]) + "'");
  }
  if (!signals_.time_s.empty() && *time < signals_.time_s.back()) {
    return fail(line_number, "time_s " + std::string(fields[time_column_]) +
                                 " is earlier than the row before it");
  }
  signals_.time_s.push_back(*time);
  for (const Binding& b : bindings_) {
    const std::string_view text = fields[b.column];
    if (b.samples != nullptr) {
      const auto value = text.empty() ? std::nullopt : parse_number(text);
      if (!text.empty() && !value) unreadable(line_number, b, text);
      // "nan" and "inf" parse but are gaps too: nothing to draw.
      b.samples->push_back(value && std::isfinite(*value) ? *value : kNaN);
    } else if (b.states != nullptr) {
      extend_runs(*b.states, *time, std::string(text));
    } else {
      const auto bits = text.empty() ? std::optional<std::uint32_t>(0) : parse_bits(text);
      if (!bits) unreadable(line_number, b, text);
      extend_runs(*b.bits, *time, bits.value_or(0));
    }
  }
  return true;
}

}  // namespace

std::optional<Signals> read_signals_csv(std::istream& in, const std::string& file_label,
                                        std::string& error) {
  Reader reader(file_label, error);
  std::string line;
  int line_number = 0;
  bool have_rows = false;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const bool ok = line_number == 1 ? reader.header(line) : reader.row(line, line_number);
    if (!ok) return std::nullopt;
    have_rows = line_number > 1;
  }
  if (in.bad()) {
    error = file_label + ": read error after line " + std::to_string(line_number);
    return std::nullopt;
  }
  if (line_number == 0) {
    error = file_label + ":1: empty file (expected a header row)";
    return std::nullopt;
  }
  if (!have_rows) {
    error = file_label + ":2: no rows after the header";
    return std::nullopt;
  }
  return reader.take();
}

}  // namespace stacksim::report
