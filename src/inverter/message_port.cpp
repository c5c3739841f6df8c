#include "inverter/message_port.hpp"

#include <algorithm>
#include <cmath>

#include "protocol/bit_layout.hpp"

namespace stacksim::inverter {

MessagePort::MessagePort(const protocol::Dbc& dbc, const std::string& dbc_label,
                         std::string_view message, std::span<const Field> fields,
                         Diagnostics& diags) {
  const protocol::Message* m = dbc.find(message);
  if (m == nullptr) {
    diags.add(dbc_label, "", {}, "expected a message " + std::string(message) + " (the inverter uses it)");
    return;
  }
  const protocol::MessageCodec codec(*m);
  bool ok = true;
  for (const Field& f : fields) {
    const protocol::Signal* s = m->signal(f.name);
    const auto index = codec.index(f.name);
    if ((s == nullptr || !index) && f.presence == Field::kMayBeAbsent) {
      slots_.push_back(kAbsent);
      optional_.push_back(true);
      min_.push_back(1.0);
      max_.push_back(0.0);
      continue;
    }
    if (s == nullptr || !index) {
      diags.add(dbc_label, "", {SourceLocation{m->line, 0}},
                "expected a signal " + std::string(f.name) + " in message " + m->name +
                    " (the inverter uses it)");
      ok = false;
      continue;
    }
    slots_.push_back(*index);
    optional_.push_back(f.presence != Field::kRequired);
    // A DBC range of [0|0] says nothing.
    const bool ranged = s->minimum < s->maximum;
    min_.push_back(ranged ? s->minimum : 1.0);
    max_.push_back(ranged ? s->maximum : 0.0);
    if (f.presence == Field::kRequired) required_bytes_ = std::max(required_bytes_, protocol::bit_layout(*s).bytes_needed);
  }
  if (!ok) return;
  id_ = m->id;
  extended_ = m->extended;
  codec_.emplace(*m);
  values_.assign(codec_->size(), 0.0);
}

bool MessagePort::read(const bus::CanFrame& f) {
  if (f.rtr || bus::can_data_bytes(f) < required_bytes_) return false;
  codec_->decode(f, values_.data());
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const double v = value(i);
    if (std::isnan(v)) {
      if (!optional_[i]) return false;
      continue;
    }
    // Half a raw step of slack for the DBC's rounded decimal bounds.
    if (min_[i] <= max_[i] && (v < min_[i] - 1e-9 * std::fabs(min_[i]) - 1e-9 ||
                               v > max_[i] + 1e-9 * std::fabs(max_[i]) + 1e-9)) {
      return false;
    }
  }
  return true;
}

void MessagePort::clear() { std::fill(values_.begin(), values_.end(), 0.0); }

bus::CanFrame MessagePort::frame(std::uint32_t id) const {
  bus::CanFrame f;
  codec_->encode(values_.data(), f);
  f.id = id;
  return f;
}

std::vector<Field> flag_fields(std::span<const FlagMeaning> map, std::initializer_list<Field> extra) {
  std::vector<Field> fields;
  for (const FlagMeaning& m : map) fields.push_back({m.signal, Field::kRequired});
  fields.insert(fields.end(), extra.begin(), extra.end());
  return fields;
}

void read_flags(const MessagePort& port, std::span<const FlagMeaning> map, BatteryView& view) {
  std::uint16_t alarms = 0, protections = 0;
  for (std::size_t i = 0; i < map.size(); ++i) {
    if (!port.flag(i)) continue;
    (map[i].protection ? protections : alarms) |= map[i].bit;
  }
  view.alarms = alarms;
  view.protections = protections;
}

}  // namespace stacksim::inverter
