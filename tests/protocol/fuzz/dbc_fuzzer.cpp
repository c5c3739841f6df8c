// libFuzzer target: any bytes as a DBC file, and as lines of the bus logs.
// Nothing may crash, and whatever loads must pack and unpack. Build with
// clang: cmake -DCMAKE_CXX_COMPILER=clang++ -DSTACKSIM_FUZZ=ON ..., then
//   build/.../tests/protocol/dbc_fuzzer -max_total_time=60 tests/protocol/data
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bus/candump_log.hpp"
#include "bus/rs485_log.hpp"
#include "protocol/codec.hpp"
#include "protocol/dbc.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  stacksim::Diagnostics diags;
  if (const auto dbc = stacksim::protocol::Dbc::parse(text, "fuzz.dbc", diags)) {
    for (const auto& m : dbc->messages()) {
      const stacksim::protocol::MessageCodec codec(m);
      std::vector<double> values(codec.size(), 1.0);
      stacksim::bus::CanFrame f;
      codec.encode(values.data(), f);
      codec.decode(f, values.data());
    }
  }
  std::string error;
  (void)stacksim::bus::parse_candump_line(text, error);
  (void)stacksim::bus::parse_rs485_line(text, error);
  return 0;
}
