// `stacksim serve` through the real binary (docs/serve.md): paced runs give
// the same outputs as `stacksim run` at any speed, and bad bindings are input
// errors that name the option and what was expected.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace {

using stacksim::cli_testing::read_file;
using stacksim::cli_testing::Result;
using ::testing::HasSubstr;

class ServeCli : public stacksim::cli_testing::CliTest {};

// 20 s of a gtx5000-x1 with its virtual inverter discharging at 20 A.
const char* const kScenario = R"({
  "format": "stacksim-scenario", "version": 1, "name": "paced", "system": "gtx5000-x1", "seed": 3,
  "duration": "20s", "record_every": "1s", "initial": {"soc": "60%"}, "inverter": {},
  "profile": [{"current": "-20A", "for": "20s"}]
})";

TEST_F(ServeCli, APacedRunWritesWhatAnUnpacedRunWritesAtAnySpeed) {
  const auto scenario = write("paced.json", kScenario);
  const auto a = dir_ / "run", b = dir_ / "serve-50x", c = dir_ / "serve-200x";
  ASSERT_EQ(stacksim({"run", scenario.string(), "--out", a.string()}).exit_code, 0);
  const Result rb = stacksim({"serve", scenario.string(), "--speed", "50", "--out", b.string()});
  ASSERT_EQ(rb.exit_code, 0) << rb.err;
  const Result rc = stacksim({"serve", scenario.string(), "--speed", "200", "--out", c.string()});
  ASSERT_EQ(rc.exit_code, 0) << rc.err;
  for (const char* file : {"signals.csv", "bus-pcs.log", "rs485-link.log", "firmware.log"}) {
    const std::string expected = read_file(a / file);
    ASSERT_FALSE(expected.empty()) << file;
    EXPECT_EQ(read_file(b / file), expected) << file;
    EXPECT_EQ(read_file(c / file), expected) << file;
  }
  std::ifstream in(b / "summary.json");
  const auto summary = nlohmann::json::parse(in);
  EXPECT_EQ(summary["serve"]["speed"], 50.0);
  EXPECT_EQ(summary["serve"]["lateness_ms"]["ticks"], 2000);  // one per 10 ms step
  EXPECT_FALSE(summary["serve"]["stopped_by_signal"].get<bool>());
}

TEST_F(ServeCli, BadBindingsAndSpeedsAreInputErrors) {
  const auto scenario = write("paced.json", kScenario);
  Result r = stacksim({"serve", scenario.string(), "--bus", "internal=socketcand:127.0.0.1:0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--bus: expected NAME=SPEC with NAME a bus of gtx5000-x1 (pcs, link)"));
  r = stacksim({"serve", scenario.string(), "--bus", "pcs=socketcand:127.0.0.1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("bad transport 'socketcand:127.0.0.1'"));
  r = stacksim({"serve", scenario.string(), "--speed", "0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--speed: expected a factor above 0 and at most 1000"));
  r = stacksim({"serve", "no-such-system"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("no-such-system: expected a scenario file (.json) or a system of"));
  r = stacksim({"serve", "gtx5000-x1", "--duration", "7ms"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--duration: expected a whole multiple of the step (10ms)"));
}

TEST_F(ServeCli, RS485TransportsBindOnlyRS485LinesAndExternalBoardsNeedABoundBus) {
  const auto scenario = write("paced.json", kScenario);
  Result r = stacksim({"serve", scenario.string(), "--bus", "link=socketcand:127.0.0.1:0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("link is an RS485 line; it takes serial:DEVICE@BAUD or pty:PATH"));
  r = stacksim({"serve", scenario.string(), "--bus", "pcs=pty:" + (dir_ / "pcs").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("pcs is a CAN bus; it takes socketcand:"));
  r = stacksim({"serve", scenario.string(), "--bus", "link=serial:/dev/ttyUSB0@115201"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("bad transport 'serial:/dev/ttyUSB0@115201'"));
  // A path that is a file is not replaced.
  const auto file = write("taken", "x");
  r = stacksim({"serve", scenario.string(), "--out", (dir_ / "taken-run").string(), "--bus", "link=pty:" + file.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("taken exists and is a regular file; expected a free path"));
  EXPECT_EQ(read_file(file), "x");

  r = stacksim({"serve", "gtx3000-h4", "--external", "string1/bms"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--external: expected a board of gtx3000-h4 (string1/bcu, string1/module1, string1/module2, "
                               "string1/module3, string1/module4), got \"string1/bms\""));
  r = stacksim({"serve", "gtx3000-h4", "--external", "string1/bcu"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("string1/bcu: bind a bus it sits on (pcs or string1/internal) with --bus"));
  r = stacksim({"serve", "gtx5000-x2", "--external", "pack2", "--bus", "pcs=socketcand:127.0.0.1:0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("pack2: bind a bus it sits on (link) with --bus"));
}

TEST_F(ServeCli, APortInUseIsReportedBeforeAnythingRuns) {
  const auto scenario = write("paced.json", kScenario);
  // A server of our own holds a port; a second serve cannot bind it.
  const auto out = dir_ / "second";
  const std::string holder = "/usr/bin/python3 -c \"import socket,time;s=socket.socket();s.bind(('127.0.0.1',0));s.listen();"
                             "print(s.getsockname()[1],flush=True);time.sleep(5)\" > " + (dir_ / "port").string() + " 2>/dev/null &";
  ASSERT_EQ(std::system(holder.c_str()), 0);
  std::string port;
  for (int k = 0; k < 100 && port.empty(); ++k) {
    usleep(50'000);
    port = read_file(dir_ / "port");
  }
  while (!port.empty() && (port.back() == '\n')) port.pop_back();
  ASSERT_FALSE(port.empty());
  const Result r = stacksim({"serve", scenario.string(), "--out", out.string(), "--bus", "pcs=socketcand:127.0.0.1:" + port});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("socketcand: cannot listen on 127.0.0.1:" + port));
  EXPECT_FALSE(std::filesystem::exists(out / "summary.json"));
}

}  // namespace
