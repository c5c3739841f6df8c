#include "led_timeline.hpp"

#include <algorithm>
#include <cstdlib>
#include <sstream>

namespace stacksim::sim::testing {
namespace {

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kTick_ns = 10 * kMs;

std::string describe(const std::vector<LedSegment>& segs) {
  std::ostringstream out;
  for (const LedSegment& s : segs) {
    out << " [" << s.from_ns / kMs << "+" << (s.to_ns - s.from_ns) / kMs << " ms colour " << s.colour << "]";
  }
  return out.str();
}

}  // namespace

LedTimeline::LedTimeline(const std::vector<LedEvent>& events, std::uint16_t led) {
  for (const LedEvent& e : events) {
    if (e.led == led) changes_.emplace_back(e.t_ns, e.colour);
  }
}

ssim_led_colour LedTimeline::at(std::int64_t t_ns) const {
  ssim_led_colour c = SSIM_LED_OFF;
  for (const auto& [t, colour] : changes_) {
    if (t > t_ns) break;
    c = colour;
  }
  return c;
}

std::vector<LedSegment> LedTimeline::segments(std::int64_t from_ns, std::int64_t to_ns) const {
  std::vector<LedSegment> out;
  LedSegment cur{from_ns, to_ns, at(from_ns)};
  for (const auto& [t, colour] : changes_) {
    if (t <= from_ns) continue;
    if (t >= to_ns) break;
    if (colour == cur.colour) continue;
    cur.to_ns = t;
    out.push_back(cur);
    cur = LedSegment{t, to_ns, colour};
  }
  cur.to_ns = to_ns;
  out.push_back(cur);
  return out;
}

std::optional<std::int64_t> LedTimeline::first(ssim_led_colour colour, std::int64_t from_ns) const {
  if (at(from_ns) == colour) return from_ns;
  for (const auto& [t, c] : changes_) {
    if (t >= from_ns && c == colour) return t;
  }
  return std::nullopt;
}

::testing::AssertionResult steady(const LedTimeline& led, std::int64_t from_ns, std::int64_t to_ns,
                                  ssim_led_colour colour) {
  const auto segs = led.segments(from_ns, to_ns);
  if (segs.size() == 1 && segs[0].colour == colour) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected steady colour " << colour << ", saw" << describe(segs);
}

::testing::AssertionResult blinks(const LedTimeline& led, std::int64_t from_ns, std::int64_t to_ns,
                                  ssim_led_colour colour, std::int64_t on_ms, std::int64_t off_ms,
                                  ssim_led_colour off) {
  const auto segs = led.segments(from_ns, to_ns);
  int full_on = 0;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    const LedSegment& s = segs[i];
    const bool on = s.colour == colour;
    if (!on && s.colour != off) {
      return ::testing::AssertionFailure() << "colour " << s.colour << " in a blink of " << colour << ":"
                                           << describe(segs);
    }
    const bool cut = i == 0 || i + 1 == segs.size();
    const std::int64_t want = (on ? on_ms : off_ms) * kMs;
    const std::int64_t len = s.to_ns - s.from_ns;
    if ((cut && len > want + kTick_ns) || (!cut && std::abs(len - want) > kTick_ns)) {
      return ::testing::AssertionFailure() << "expected " << on_ms << " ms on / " << off_ms << " ms off, saw"
                                           << describe(segs);
    }
    if (on && !cut) ++full_on;
  }
  if (full_on < 2) {
    return ::testing::AssertionFailure() << "fewer than two whole blinks in the window:" << describe(segs);
  }
  return ::testing::AssertionSuccess();
}

}  // namespace stacksim::sim::testing
