#include "serve/status_line.hpp"

#include <cstdarg>
#include <cstdio>

namespace stacksim::serve {
namespace {

__attribute__((format(printf, 2, 3))) void append(std::string& out, const char* fmt, ...) {
  char piece[128];
  va_list args;
  va_start(args, fmt);
  const int n = std::vsnprintf(piece, sizeof piece, fmt, args);
  va_end(args);
  // A piece longer than the buffer is cut, never overrun.
  if (n > 0) out.append(piece, static_cast<std::size_t>(n) < sizeof piece ? static_cast<std::size_t>(n) : sizeof piece - 1);
}

}  // namespace

std::string format_status_line(const StatusFigures& f) {
  std::string line;
  append(line, "\r%10.1f s", static_cast<double>(f.sim_ns) * 1e-9);
  if (f.master) {
    const ssim_debug_status& st = *f.master;
    append(line, "  SOC %5.1f %%  %6.1f V  %7.1f A  %-14s alarms %08X", st.soc_permille * 0.1,
           st.pack_voltage_mV * 1e-3, st.current_mA * 1e-3, ssim_bms_state_name(st.state),
           static_cast<unsigned>(st.alarms));
  }
  append(line, "  frames in %llu out %llu", static_cast<unsigned long long>(f.frames_in),
         static_cast<unsigned long long>(f.frames_out));
  if (f.bursts_in && f.bursts_out) {
    append(line, "  bursts in %llu out %llu", static_cast<unsigned long long>(*f.bursts_in),
           static_cast<unsigned long long>(*f.bursts_out));
  }
  append(line, "  late p99 %.2f ms ", static_cast<double>(f.late_p99_ns) * 1e-6);
  return line;
}

}  // namespace stacksim::serve
