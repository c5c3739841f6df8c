#include "sim/progress.hpp"

#include "util/quantity.hpp"

namespace stacksim::sim {
namespace {

// About two seconds of work on this project's reference machine: a
// GTX3000-H4 (64 cells, 5 boards) runs some 400 000 steps a second.
constexpr double kShowAboveWork = 1.0e9;
constexpr double kWorkPerBoard = 200.0;  // a board's sampling, buses and firmware, in cell-steps
constexpr int kBarWidth = 30;

}  // namespace

Progress::Progress(bool enabled, std::int64_t duration_ns, std::int64_t step_ns, std::size_t cells,
                   std::size_t boards, std::string name)
    : duration_ns_(duration_ns), name_(std::move(name)) {
  const double steps = static_cast<double>(duration_ns) / static_cast<double>(step_ns);
  const double work = steps * (static_cast<double>(cells) + kWorkPerBoard * static_cast<double>(boards));
  shown_ = enabled && duration_ns > 0 && work > kShowAboveWork;
}

Progress::~Progress() { finish(); }

void Progress::draw(std::int64_t now_ns) {
  const int percent = static_cast<int>(100 * now_ns / duration_ns_);
  const int filled = percent * kBarWidth / 100;
  std::fprintf(stderr, "\r%s [%.*s%*s] %3d%% %s of %s", name_.c_str(), filled, "##############################",
               kBarWidth - filled, "", percent, format_duration_ns(now_ns / 1'000'000'000 * 1'000'000'000).c_str(),
               format_duration_ns(duration_ns_).c_str());
  std::fflush(stderr);
  next_ns_ = (static_cast<std::int64_t>(percent) + 1) * (duration_ns_ / 100);
}

void Progress::finish() {
  if (!shown_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  shown_ = false;
}

}  // namespace stacksim::sim
