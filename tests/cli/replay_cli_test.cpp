// `stacksim replay` through the real binary (docs/replay.md): a run with the
// virtual inverter is recorded, its bus log replayed without the inverter,
// and the battery must answer frame for frame as it did; malformed log lines
// are input errors with file and line; frames no DBC knows are counted and
// skipped; an expectation the replayed battery misses exits 1.
#include <algorithm>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace {

using stacksim::cli_testing::read_file;
using stacksim::cli_testing::Result;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

struct Frame {
  std::string time, id, data;
  bool operator==(const Frame&) const = default;
};

// "(0000000001.000294) pcs 00000605#0001000000000000" -> time, id, data.
std::vector<Frame> frames_of(const fs::path& log) {
  std::vector<Frame> out;
  for (const std::string& line : stacksim::cli_testing::lines_of(read_file(log))) {
    const auto blank1 = line.find(' '), blank2 = line.find(' ', blank1 + 1), hash = line.find('#');
    out.push_back({line.substr(0, blank1), line.substr(blank2 + 1, hash - blank2 - 1), line.substr(hash + 1)});
  }
  return out;
}

std::vector<Frame> without_ids(const std::vector<Frame>& frames, const std::set<std::string>& ids) {
  std::vector<Frame> out;
  std::copy_if(frames.begin(), frames.end(), std::back_inserter(out), [&](const Frame& f) { return !ids.count(f.id); });
  return out;
}

nlohmann::json summary(const fs::path& dir) {
  std::ifstream in(dir / "summary.json");
  return nlohmann::json::parse(in);
}

// A sofar-hv log by hand: the PCS's 0x605 inquiry every second from 1 s to
// `last_s`, cycling 1, 2, 10 as the inverter does, plus `extra` lines.
std::string inquiries(int last_s, const std::string& extra = "") {
  static const char* const kInquiry[] = {"01", "02", "0A"};
  std::string log;
  for (int s = 1; s <= last_s; ++s) {
    char line[80];
    std::snprintf(line, sizeof line, "(%010d.000294) can0 00000605#00%s000000000000\n", s, kInquiry[s % 3]);
    log += line;
  }
  return log + extra;
}

class ReplayCli : public stacksim::cli_testing::CliTest {};

struct Recorded {
  const char* protocol;             // --protocol of both runs
  std::set<std::string> pcs_ids;    // what the inverter sends, as the log writes it
  std::set<std::string> answers;    // battery frames that only come as answers to the PCS
};

void PrintTo(const Recorded& r, std::ostream* os) { *os << r.protocol; }

class ReplayReproduces : public ReplayCli, public ::testing::WithParamInterface<Recorded> {};

// The brief of h4-inverter-sofar.json, shortened and at rest: with no current
// demanded, the inverter's run and the replay's load (rest) are the same, so
// every battery frame must come back with the same id, bytes and time.
TEST_P(ReplayReproduces, TheBatteryAnswersFrameForFrameAsInTheRecordedRun) {
  const Recorded& p = GetParam();
  const fs::path scenario = write("h4.json", R"({"format": "stacksim-scenario", "version": 1, "name": "h4-inverter-short",
    "system": "gtx3000-h4", "seed": 1, "duration": "90s", "inverter": {"protocol": "auto"},
    "profile": [{"rest": "90s"}]})");
  const fs::path a = dir_ / "A", b = dir_ / "B", b2 = dir_ / "B2";
  const Result run = stacksim({"run", scenario.string(), "--out", a.string(), "--bus-logs", "pcs", "--protocol", p.protocol});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const std::vector<std::string> replay = {"replay", (a / "bus-pcs.log").string(), "--system", "gtx3000-h4",
                                           "--seed", "1", "--protocol", p.protocol, "--out"};
  auto with_out = [&](const fs::path& out) {
    auto args = replay;
    args.push_back(out.string());
    return stacksim(args);
  };
  const Result r = with_out(b);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("ok replay-bus-pcs on gtx3000-h4 (seed 1)"));

  const auto recorded = frames_of(a / "bus-pcs.log"), replayed = frames_of(b / "bus-pcs.log");
  const auto battery_recorded = without_ids(recorded, p.pcs_ids);
  const auto battery_replayed = without_ids(replayed, p.pcs_ids);
  // The battery talked, answers to the replayed PCS frames included.
  ASSERT_GT(battery_recorded.size(), 500u);
  const auto answers = std::count_if(battery_replayed.begin(), battery_replayed.end(),
                                     [&](const Frame& f) { return p.answers.count(f.id) > 0; });
  EXPECT_GT(answers, 50);
  // Frame for frame: ids, payloads, order and times (docs/replay.md, timing).
  ASSERT_EQ(battery_replayed.size(), battery_recorded.size());
  for (std::size_t i = 0; i < battery_recorded.size(); ++i) {
    ASSERT_EQ(battery_replayed[i], battery_recorded[i]) << "battery frame " << i;
  }
  // The replayed PCS frames end where they ended: the logs are the same file,
  // and the firmware logged the same messages at the same instants.
  EXPECT_EQ(read_file(b / "bus-pcs.log"), read_file(a / "bus-pcs.log"));
  EXPECT_EQ(read_file(b / "firmware.log"), read_file(a / "firmware.log"));

  const auto s = summary(b)["replay"];
  const std::size_t pcs = recorded.size() - battery_recorded.size();
  EXPECT_GT(pcs, 80u);
  EXPECT_EQ(s["protocol"], p.protocol);
  EXPECT_EQ(s["pcs_frames"], pcs);
  EXPECT_EQ(s["sent"], pcs);
  EXPECT_EQ(s["battery_frames"], battery_recorded.size());
  EXPECT_EQ(s["unknown_frames"], 0);
  EXPECT_EQ(s["late"], 0);
  EXPECT_EQ(s["after_end"], 0);

  // Deterministic: the same replay again gives the same files.
  ASSERT_EQ(with_out(b2).exit_code, 0);
  for (const char* file : {"bus-pcs.log", "signals.csv", "summary.json", "firmware.log", "report.html"}) {
    EXPECT_EQ(read_file(b2 / file), read_file(b / file)) << file;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Protocols, ReplayReproduces,
    ::testing::Values(
        // The battery broadcasts; 0x671.., 0x680.., 0x690.. answer the 0x605 inquiries.
        Recorded{"sofar-hv", {"00000605", "00000705"}, {"00000671", "00000672", "00000673", "00000680", "00000690"}},
        // The battery says nothing unless polled by 0x4200.
        Recorded{"pylon-hv", {"00004200", "00008200", "00008210", "00008240"}, {"00004210", "00004220", "00007310"}}),
    [](const ::testing::TestParamInfo<Recorded>& param) {
      return std::string(param.param.protocol == std::string("sofar-hv") ? "SofarHv" : "PylonHv");
    });

TEST_F(ReplayCli, MalformedLinesExitTwoWithFileAndLineAllAtOnce) {
  const fs::path log = write("bad.log", inquiries(2) + "(3.000294) can0 00000605\n" + inquiries(1) +
                                            "garbage\n(5.0) can0 605##0\n");
  const fs::path out = dir_ / "out";
  const Result r = stacksim({"replay", log.string(), "--system", "gtx3000-h4", "--out", out.string()});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("bad.log:3: expected ID#DATA, found no '#'"));
  EXPECT_THAT(r.err, HasSubstr("bad.log:5: expected a timestamp"));
  EXPECT_THAT(r.err, HasSubstr("bad.log:6: CAN FD frames"));
  EXPECT_THAT(r.err, HasSubstr("stacksim: 3 problems; nothing was run"));
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(ReplayCli, FramesNotInTheDbcAreCountedAndSkipped) {
  // 0x605 as a standard frame is not sofar-hv's (an extended id); 0x123 and
  // 0x1ABCDEF0 are in no DBC at all.
  const fs::path log = write("mixed.log", inquiries(20, "(0000000010.500000) can0 605#0001000000000000\n"
                                                        "(0000000011.500000) can0 123#DEAD\n"
                                                        "(0000000012.500000) can0 1ABCDEF0#01\n"
                                                        "(0000000013.500000) can0 123#BEEF\n"));
  const fs::path out = dir_ / "out";
  const Result r = stacksim({"replay", log.string(), "--system", "gtx3000-h4", "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("20 PCS frames replayed, 0 battery frames and 4 unknown skipped -> " + out.string()));
  const auto s = summary(out)["replay"];
  EXPECT_EQ(s["records"], 24);
  EXPECT_EQ(s["pcs_frames"], 20);
  EXPECT_EQ(s["sent"], 20);
  EXPECT_EQ(s["unknown_frames"], 4);
  EXPECT_EQ(s["unknown_ids"], nlohmann::json::array({"605", "123", "1ABCDEF0"}));
  // None of them reached the bus; the inquiries did, and were answered.
  const auto frames = frames_of(out / "bus-pcs.log");
  std::set<std::string> ids;
  for (const Frame& f : frames) ids.insert(f.id);
  EXPECT_EQ(ids.count("605") + ids.count("123") + ids.count("1ABCDEF0"), 0u);
  EXPECT_EQ(std::count_if(frames.begin(), frames.end(), [](const Frame& f) { return f.id == "00000605"; }), 20);
  EXPECT_EQ(ids.count("00000680"), 1u);
}

TEST_F(ReplayCli, ExpectationMissedByTheReplayedBatteryExitsOne) {
  // The PCS talks for 30 s; the BMS must not flag a PCS communication loss.
  const fs::path log = write("pcs.log", inquiries(30));
  const fs::path expect = write("expect.json", R"({"format": "stacksim-scenario", "version": 1, "name": "pcs alive",
    "system": "gtx3000-h4", "duration": "1m", "profile": [{"rest": "1m"}],
    "expect": [{"name": "no PCS comm loss", "probe": "fault", "diagnosis": "pcs_comm", "is": "clear", "always": true},
               {"name": "started", "probe": "contactors", "is": "closed", "by": "30s"}]})");
  // Within the log: met.
  const fs::path ok_out = dir_ / "ok";
  const Result ok = stacksim({"replay", log.string(), "--expect", expect.string(), "--duration", "35s",
                              "--out", ok_out.string()});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_THAT(ok.out, HasSubstr("ok pcs alive on gtx3000-h4"));
  EXPECT_THAT(ok.out, HasSubstr("2 of 2 expectations met"));
  // The expectation file's minute: the log falls silent at 30 s and the BMS
  // times out (comm.pcs_timeout_ms, 10 s) before the end.
  const fs::path out = dir_ / "out";
  const Result r = stacksim({"replay", log.string(), "--system", "gtx3000-h4", "--expect", expect.string(),
                             "--out", out.string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("FAILED pcs alive on gtx3000-h4"));
  EXPECT_THAT(r.out, HasSubstr("1 of 2 expectations met"));
  EXPECT_THAT(r.out, HasSubstr(": no PCS comm loss (it read raised)"));
  const auto s = summary(out);
  EXPECT_EQ(s["verdict"], "failed");
  EXPECT_EQ(s["expectations"][0]["result"], "missed");
  const double missed_s = s["expectations"][0]["at_s"].get<double>();
  EXPECT_GT(missed_s, 40.0);
  EXPECT_LT(missed_s, 45.0);
  EXPECT_EQ(s["replay"]["sent"], 30);
}

TEST_F(ReplayCli, TheSystemComesFromTheCommandLineOrTheExpectationFile) {
  const fs::path log = write("pcs.log", inquiries(3));
  const Result none = stacksim({"replay", log.string()});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_THAT(none.err, HasSubstr("--system: expected the system the log was recorded on"));
  const fs::path expect = write("e.json", R"({"format": "stacksim-scenario", "version": 1, "name": "e",
    "system": "gtx3000-h4", "duration": "10s", "profile": [{"rest": "10s"}]})");
  const Result other = stacksim({"replay", log.string(), "--expect", expect.string(), "--system", "gtx3000-h5"});
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_THAT(other.err, HasSubstr("--system: expected the system of"));
  // A hardware log stamped since 1970 needs --start-at.
  const fs::path epoch = write("epoch.log", "(1712345678.000294) can0 00000605#0001000000000000\n");
  const Result late = stacksim({"replay", epoch.string(), "--system", "gtx3000-h4"});
  EXPECT_EQ(late.exit_code, 2);
  EXPECT_THAT(late.err, HasSubstr("expected --start-at D"));
  const fs::path out = dir_ / "out";
  const Result shifted = stacksim({"replay", epoch.string(), "--system", "gtx3000-h4", "--start-at", "10s",
                                   "--out", out.string()});
  ASSERT_EQ(shifted.exit_code, 0) << shifted.out << shifted.err;
  EXPECT_EQ(summary(out)["simulated_s"], 10.0);
  EXPECT_EQ(summary(out)["replay"]["sent"], 1);
}

}  // namespace
