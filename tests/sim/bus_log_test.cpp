// The bus logs of a run (src/sim/bus_recorder.cpp) read by third-party
// tools: python-can's CanutilsLogReader (Debian python3-can) and can-utils'
// log2asc (Debian can-utils). Without them the tests skip, except under
// CI=true, where a missing tool is a failure.
#include "sim/bus_recorder.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "bus/candump_log.hpp"
#include "bus/rs485_log.hpp"

namespace stacksim::sim {
namespace {

namespace fs = std::filesystem;

const fs::path kData = STACKSIM_DATA_DIR;

bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

// Skips the test, or fails it under CI=true.
#define REQUIRE_TOOL(available, what)                                             \
  do {                                                                            \
    if (!(available)) {                                                           \
      if (in_ci()) FAIL() << what << " is missing (tools/install-deps.sh)";       \
      GTEST_SKIP() << what << " is missing (tools/install-deps.sh installs it)";  \
    }                                                                             \
  } while (0)

struct Command {
  int status = -1;
  std::string out;
};

Command run(const std::string& command) {
  Command c;
  std::FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return c;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) c.out.append(buf, n);
  const int status = ::pclose(p);
  c.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return c;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Frame {
  std::int64_t t_us;
  bus::CanFrame f;
};

// The line read_candump.py prints for a frame.
std::string python_line(const Frame& x) {
  char head[64];
  std::snprintf(head, sizeof head, "%lld %X %d %d %d ", static_cast<long long>(x.t_us), x.f.id, x.f.extended ? 1 : 0,
                x.f.rtr ? 1 : 0, x.f.dlc);
  std::string data;
  for (int i = 0; i < bus::can_data_bytes(x.f); ++i) {
    char b[3];
    std::snprintf(b, sizeof b, "%02X", x.f.data[static_cast<std::size_t>(i)]);
    data += b;
  }
  return head + (data.empty() ? "-" : data);
}

// Frames as python-can reads them; fails the test if it cannot.
std::optional<std::vector<std::string>> python_can_read(const fs::path& log) {
  const Command c = run("/usr/bin/python3 " + (kData / "tests/sim/read_candump.py").string() + " '" + log.string() +
                        "' 2>&1");
  if (c.status == 3) return std::nullopt;
  EXPECT_EQ(c.status, 0) << c.out;
  return lines_of(c.out);
}

class BusLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("stacksim-bus-log-" + std::string(info->name()) + "-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path dir_;
};

// A bus driven with every kind of classic frame; the test's own tap is the
// reference the tools' readings are compared with.
std::vector<Frame> drive_bus(BusRecorder& recorder, bus::CanBus& can) {
  std::vector<Frame> seen;
  can.attach("bms", nullptr);
  can.attach("pcs", nullptr);
  const std::size_t tap = can.add_tap([&seen](const bus::CanFrame& f, std::int64_t end_ns, std::size_t) {
    seen.push_back({end_ns / 1000, f});
  });
  std::string error;
  EXPECT_TRUE(recorder.record(can, error)) << error;
  std::mt19937_64 rng(99);
  std::int64_t t = 3'000'000'000 - 123;  // not on a whole microsecond
  for (int i = 0; i < 400; ++i) {
    bus::CanFrame f;
    f.extended = (rng() & 1) != 0;
    f.id = static_cast<std::uint32_t>(rng() & (f.extended ? 0x1FFFFFFF : 0x7FF));
    f.rtr = rng() % 8 == 0;
    f.dlc = static_cast<std::uint8_t>(rng() % 9);  // python-can knows no DLC 9..15 in this format
    for (auto& b : f.data) b = f.rtr || &b - f.data.data() >= f.dlc ? 0 : static_cast<std::uint8_t>(rng());
    can.send(i % 2, f, t);
    t += static_cast<std::int64_t>(rng() % 5'000'000);
    can.advance(t);
  }
  can.advance(t + 1'000'000'000);
  can.remove_tap(tap);
  return seen;
}

// Drives a bus "pcs" recorded into `dir` and commits the log.
std::vector<Frame> record_driven_bus(const fs::path& dir) {
  bus::CanBus can("pcs");
  BusRecorder recorder(dir);
  std::vector<Frame> seen = drive_bus(recorder, can);
  std::string error;
  EXPECT_TRUE(recorder.commit(error)) << error;
  EXPECT_EQ(recorder.files(), std::vector<fs::path>{dir / "bus-pcs.log"});
  return seen;
}

TEST_F(BusLogTest, PythonCanReadsEveryFrameOfADrivenBus) {
  const std::vector<Frame> seen = record_driven_bus(dir_);
  ASSERT_EQ(seen.size(), 400u);
  const auto python = python_can_read(dir_ / "bus-pcs.log");
  REQUIRE_TOOL(python.has_value(), "python3-can");
  ASSERT_EQ(python->size(), seen.size());
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ((*python)[i], python_line(seen[i])) << "frame " << i;
}

TEST_F(BusLogTest, Log2ascReadsEveryFrameOfADrivenBus) {
  const std::vector<Frame> seen = record_driven_bus(dir_);
  REQUIRE_TOOL(fs::exists("/usr/bin/log2asc"), "log2asc (can-utils)");
  const Command c = run("/usr/bin/log2asc -I '" + (dir_ / "bus-pcs.log").string() + "' pcs 2>&1");
  ASSERT_EQ(c.status, 0) << c.out;
  // "   0.499877 1  18FF50E5x       Rx   d 5 CD 0D B5 52 80": seconds since the
  // first frame, channel, id ('x' = extended), direction, d/r, DLC, bytes.
  std::vector<std::string> frames;
  for (const std::string& line : lines_of(c.out)) {
    if (line.find(" Rx ") != std::string::npos) frames.push_back(line);
  }
  ASSERT_EQ(frames.size(), seen.size());
  for (std::size_t i = 0; i < seen.size(); ++i) {
    std::istringstream in(frames[i]);
    std::string time, channel, id, dir, kind;
    int dlc = -1;
    in >> time >> channel >> id >> dir >> kind >> dlc;
    const Frame& x = seen[i];
    const double expected_s = static_cast<double>(x.t_us - seen[0].t_us) * 1e-6;
    EXPECT_NEAR(std::stod(time), expected_s, 0.5e-6) << frames[i];
    const bool extended = !id.empty() && id.back() == 'x';
    if (extended) id.pop_back();
    EXPECT_EQ(std::stoul(id, nullptr, 16), x.f.id) << frames[i];
    EXPECT_EQ(extended, x.f.extended) << frames[i];
    EXPECT_EQ(kind, x.f.rtr ? "r" : "d") << frames[i];
    EXPECT_EQ(dlc, x.f.dlc) << frames[i];
    for (int k = 0; k < bus::can_data_bytes(x.f); ++k) {
      std::string byte;
      in >> byte;
      EXPECT_EQ(std::stoul(byte, nullptr, 16), x.f.data[static_cast<std::size_t>(k)]) << frames[i];
    }
  }
}

TEST_F(BusLogTest, NothingStaysBehindWithoutCommit) {
  bus::CanBus can("pcs");
  bus::Rs485Line line("string1/internal");
  {
    BusRecorder recorder(dir_);
    drive_bus(recorder, can);
    std::string error;
    ASSERT_TRUE(recorder.record(line, error)) << error;
    EXPECT_TRUE(fs::exists(dir_ / "bus-pcs.log.partial"));
    EXPECT_TRUE(fs::exists(dir_ / "rs485-string1-internal.log.partial"));
  }
  EXPECT_TRUE(fs::is_empty(dir_));
  // The taps are gone with the recorder: more traffic is safe.
  can.send(0, bus::CanFrame{}, 100'000'000'000);
  can.advance(200'000'000'000);
}

TEST_F(BusLogTest, UnwritableFolderIsReported) {
  BusRecorder recorder(dir_ / "missing" / "deeper");
  bus::CanBus can("pcs");
  std::string error;
  EXPECT_FALSE(recorder.record(can, error));
  EXPECT_NE(error.find("cannot write " + (dir_ / "missing" / "deeper" / "bus-pcs.log.partial").string()),
            std::string::npos)
      << error;
}

// A real run: two GTX3000-H5 strings, whose BCUs talk on the pcs bus and
// whose modules talk on each string's RS485 line.
class RealRunTest : public BusLogTest {
 protected:
  fs::path run_scenario(const std::string& name) {
    const fs::path scenario = dir_ / "scenario.json";
    std::ofstream(scenario) << R"({
      "format": "stacksim-scenario", "version": 1, "name": "bus-log-run",
      "system": "gtx3000-h5-x2", "seed": 7, "duration": "20s", "record_every": "5s",
      "initial": {"temperature": "25C", "soc": "50%"},
      "profile": [{"rest": "20s"}]
    })";
    const fs::path out = dir_ / name;
    const Command c = run(std::string(STACKSIM_BINARY) + " --data '" + kData.string() + "' run '" +
                          scenario.string() + "' --out '" + out.string() + "' 2>&1");
    EXPECT_EQ(c.status, 0) << c.out;
    return out;
  }
};

TEST_F(RealRunTest, LogsOfEveryBusMatchTheRunAndThirdPartyReaders) {
  const fs::path out = run_scenario("a");
  const auto summary = nlohmann::json::parse(slurp(out / "summary.json"));
  const auto& buses = summary.at("bms").at("buses");

  std::ifstream can_in(out / "bus-pcs.log");
  const bus::CandumpLog log = bus::read_candump(can_in);
  EXPECT_EQ(log.error_count, 0u);
  EXPECT_EQ(log.records.size(), buses.at("can_frames").get<std::uint64_t>());
  ASSERT_FALSE(log.records.empty());
  for (std::size_t i = 1; i < log.records.size(); ++i) EXPECT_LE(log.records[i - 1].t_ns, log.records[i].t_ns);

  std::uint64_t bursts = 0;
  for (const char* line : {"rs485-string1-internal.log", "rs485-string2-internal.log"}) {
    std::ifstream in(out / line);
    bus::Rs485LogReader reader(in);
    bus::Rs485Record r;
    while (reader.next(r)) ++bursts;
    EXPECT_EQ(reader.error_count(), 0u) << line;
  }
  // The summary also counts the bursts still on a line when the run ended
  // (nobody received them, so no log has them): at most one per node, six
  // nodes (BCU + 5 modules) per line.
  const auto put_on_lines = buses.at("rs485_bursts").get<std::uint64_t>();
  EXPECT_LE(bursts, put_on_lines);
  EXPECT_GE(bursts + 2 * 6, put_on_lines);
  EXPECT_GT(bursts, 1000u);

  const auto python = python_can_read(out / "bus-pcs.log");
  REQUIRE_TOOL(python.has_value(), "python3-can");
  ASSERT_EQ(python->size(), log.records.size());
  for (std::size_t i = 0; i < log.records.size(); ++i) {
    const auto& r = log.records[i];
    EXPECT_EQ((*python)[i], python_line(Frame{r.t_ns / 1000, r.frame})) << "frame " << i;
  }
}

TEST_F(RealRunTest, TheSameRunGivesByteIdenticalLogs) {
  const fs::path a = run_scenario("a");
  const fs::path b = run_scenario("b");
  for (const char* name : {"bus-pcs.log", "rs485-string1-internal.log", "rs485-string2-internal.log"}) {
    const std::string text = slurp(a / name);
    EXPECT_FALSE(text.empty()) << name;
    EXPECT_TRUE(text == slurp(b / name)) << name;
  }
}

}  // namespace
}  // namespace stacksim::sim
