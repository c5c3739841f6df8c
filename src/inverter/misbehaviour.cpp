#include "inverter/misbehaviour.hpp"

#include <algorithm>

namespace stacksim::inverter {

using scenario::MisbehaviourKind;

Misbehaviour::Misbehaviour(std::vector<scenario::Misbehaviour> windows, const protocol::Dbc& dbc,
                           std::uint64_t seed)
    : windows_(std::move(windows)), rng_(seed, "inverter/misbehaviour") {
  for (const auto& w : windows_) {
    next_ns_.push_back(w.window.from_ns);
    count_.push_back(0);
  }
  for (const auto& m : dbc.messages()) known_ids_.push_back(m.id);
}

bool Misbehaviour::active(MisbehaviourKind kind, std::int64_t now_ns) const {
  for (const auto& w : windows_) {
    if (w.kind == kind && now_ns >= w.window.from_ns && now_ns < w.window.to_ns) return true;
  }
  return false;
}

int Misbehaviour::wrong_address(std::int64_t now_ns) const {
  for (const auto& w : windows_) {
    if (w.kind == MisbehaviourKind::kWrongAddress && now_ns >= w.window.from_ns && now_ns < w.window.to_ns) {
      return w.address;
    }
  }
  return -1;
}

int Misbehaviour::emit(std::int64_t now_ns, PcsProfile& profile, FrameSink& sink) {
  int sent = 0;
  for (std::size_t i = 0; i < windows_.size(); ++i) {
    const auto& w = windows_[i];
    const bool bad_frames = w.kind == MisbehaviourKind::kMalformedFrames || w.kind == MisbehaviourKind::kOutOfRange;
    if (!bad_frames || now_ns < w.window.from_ns || now_ns >= w.window.to_ns) continue;
    while (next_ns_[i] <= now_ns) {
      const std::uint64_t k = count_[i]++;
      sink.send(w.kind == MisbehaviourKind::kOutOfRange ? profile.out_of_range_frame(k) : malformed(profile));
      next_ns_[i] += w.every_ns;
      ++sent;
    }
  }
  return sent;
}

// One of three breakages of a well-formed PCS frame, drawn from the seed.
bus::CanFrame Misbehaviour::malformed(PcsProfile& profile) {
  bus::CanFrame f = profile.sample_frame();
  const std::uint64_t r = rng_.next_u64();
  switch (r % 3) {
    case 0: {  // wrong DLC: any other of 0..8
      const auto dlc = static_cast<std::uint8_t>((f.dlc + 1 + (r >> 8) % 8) % 9);
      f.dlc = dlc;
      break;
    }
    case 1: {  // an id of the frame's format that the DBC does not know
      const std::uint32_t mask = f.extended ? 0x1FFFFFFFu : 0x7FFu;
      std::uint32_t id = static_cast<std::uint32_t>(r >> 16) & mask;
      while (std::find(known_ids_.begin(), known_ids_.end(), id) != known_ids_.end()) id = (id + 1) & mask;
      f.id = id;
      break;
    }
    default: {  // junk payload
      const std::uint64_t junk = rng_.next_u64();
      for (int b = 0; b < 8; ++b) f.data[b] = static_cast<std::uint8_t>(junk >> (8 * b));
      break;
    }
  }
  return f;
}

}  // namespace stacksim::inverter
