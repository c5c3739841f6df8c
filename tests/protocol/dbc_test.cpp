// The DBC parser: what it reads from a file in the supported grammar, and
// one case per kind of problem it must report (with its line).
#include "protocol/dbc.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace stacksim::protocol {
namespace {

const std::filesystem::path kTiny = std::filesystem::path(STACKSIM_DATA_DIR) / "tests/protocol/data/tiny.dbc";

// Parses text that must fail; returns the diagnostics.
Diagnostics errors_of(const std::string& text) {
  Diagnostics d;
  EXPECT_FALSE(Dbc::parse(text, "bad.dbc", d).has_value());
  EXPECT_FALSE(d.empty());
  return d;
}

// Whether some diagnostic is on `line` and contains `needle`.
bool has(const Diagnostics& d, int line, const std::string& needle) {
  for (const Diagnostic& x : d.items()) {
    if (x.file == "bad.dbc" && x.location.line == line && x.message.find(needle) != std::string::npos) return true;
  }
  return false;
}

const std::string kHead = "VERSION \"\"\nNS_ :\nBS_:\nBU_: BMS PCS\n";  // lines 1-4

TEST(Dbc, LoadsTheTestFileWithoutDiagnostics) {
  Diagnostics d;
  const auto dbc = Dbc::load(kTiny, d);
  ASSERT_TRUE(dbc.has_value()) << d.format();
  EXPECT_TRUE(d.empty());
  EXPECT_EQ(dbc->version(), "stacksim parser test 1");
  EXPECT_EQ(dbc->nodes(), (std::vector<std::string>{"BMS", "PCS"}));
  ASSERT_EQ(dbc->messages().size(), 8u);

  const Message* m351 = dbc->find(0x351, false);
  ASSERT_NE(m351, nullptr);
  EXPECT_EQ(m351->name, "Pylon_351");
  EXPECT_EQ(m351->line, 19);
  EXPECT_EQ(m351->dlc, 8);
  EXPECT_EQ(m351->sender, "BMS");
  EXPECT_EQ(m351->cycle_time_ms, 1000);
  EXPECT_EQ(m351->comment, "Limits; the DVL is\nin bytes 6-7 in practice");
  const Signal* ccl = m351->signal("ChargeCurrentLimit");
  ASSERT_NE(ccl, nullptr);
  EXPECT_EQ(ccl->start_bit, 16);
  EXPECT_EQ(ccl->length, 16);
  EXPECT_TRUE(ccl->little_endian);
  EXPECT_TRUE(ccl->is_signed);
  EXPECT_DOUBLE_EQ(ccl->factor, 0.1);
  EXPECT_DOUBLE_EQ(ccl->minimum, -3276.8);
  EXPECT_DOUBLE_EQ(ccl->maximum, 3276.7);
  EXPECT_EQ(ccl->unit, "A");
  EXPECT_EQ(ccl->receivers, (std::vector<std::string>{"PCS"}));
  EXPECT_EQ(ccl->line, 21);

  // 0x4210 is written with bit 31 set: an extended identifier.
  EXPECT_EQ(dbc->find(0x4210, false), nullptr);
  const Message* hv = dbc->find(0x4210, true);
  ASSERT_NE(hv, nullptr);
  EXPECT_EQ(hv, dbc->find("PylonHV_4210"));
  EXPECT_DOUBLE_EQ(hv->signal("Current")->offset, -3000.0);
  EXPECT_EQ(dbc->find(0x18FF50E5, true)->dlc, 5);

  const Message* m356 = dbc->find("Pylon_356");
  EXPECT_EQ(m356->cycle_time_ms, -1);  // no BA_ of its own
  EXPECT_EQ(m356->signal("Current")->comment, "Positive = charging (\"Pylontech\")");

  const Message* g = dbc->find(0x313, false);
  EXPECT_FALSE(g->signal("Voltage")->little_endian);
  EXPECT_EQ(g->signal("SOH")->start_bit, 62);
  EXPECT_EQ(g->signal("SOH")->length, 7);

  const Message* pages = dbc->find("CellPages");
  const Signal* page = pages->signal("Page");
  EXPECT_EQ(page->mux, Signal::Mux::kMultiplexor);
  EXPECT_EQ(page->receivers, (std::vector<std::string>{"PCS", "BMS"}));
  EXPECT_EQ(page->values, (std::vector<std::pair<std::int64_t, std::string>>{{0, "Cells 1-2"}, {1, "Cell 3"}}));
  EXPECT_EQ(pages->signal("Cell3")->mux, Signal::Mux::kMultiplexed);
  EXPECT_EQ(pages->signal("Cell3")->mux_value, 1);
  EXPECT_EQ(pages->signal("Flags")->mux, Signal::Mux::kNone);
  EXPECT_EQ(pages->signal("Nope"), nullptr);
  EXPECT_EQ(dbc->find("Nope"), nullptr);
}

TEST(Dbc, MissingFileIsReportedWithItsName) {
  Diagnostics d;
  EXPECT_FALSE(Dbc::load("/nonexistent/x.dbc", d).has_value());
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d.items()[0].file, "/nonexistent/x.dbc");
}

TEST(Dbc, SyntaxErrorsNameTheExpectedTokenAndLine) {
  const auto d = errors_of(kHead +
                           "BO_ 100 A: 8 BMS\n"                                   // 5
                           " SG_ S1 : 0|8@1+ (1,0) [0|1] \"\" PCS\n"              // 6
                           " SG_ S2 : 8|8@2+ (1,0) [0|1] \"\" PCS\n"              // 7: order 2
                           " SG_ S3 : 16|8@1* (1,0) [0|1] \"\" PCS\n"             // 8: sign
                           " SG_ S4 : 24|8@1+ (1;0) [0|1] \"\" PCS\n"             // 9: ';'
                           "BO_ 200 B 8 BMS\n"                                    // 10: no ':'
                           " SG_ Skipped : 0|8@1+ (1,0) [0|1] \"\" PCS\n"         // 11: quietly skipped
                           "BO_ 300 C: 8\n"                                       // 12: no sender
                           " SG_ T : 0|8@1+ (1,0) [0|1] \"\" PCS\n"               // 13
                           "CM_ BO_ 100 \"unterminated;\n");                      // 14
  EXPECT_TRUE(has(d, 7, "expected the byte order (0 Motorola, 1 Intel)")) << d.format();
  EXPECT_TRUE(has(d, 8, "expected '+' (unsigned) or '-' (signed)")) << d.format();
  EXPECT_TRUE(has(d, 9, "expected ','")) << d.format();
  EXPECT_TRUE(has(d, 10, "expected ':'")) << d.format();
  EXPECT_TRUE(has(d, 13, "expected the sending node")) << d.format();
  EXPECT_TRUE(has(d, 14, "unterminated string")) << d.format();
  EXPECT_EQ(d.size(), 6u) << d.format();
}

TEST(Dbc, UnsupportedStatementsAreErrors) {
  const auto d = errors_of(kHead + "BO_ 100 A: 8 BMS\n\nSIG_VALTYPE_ 100 X : 1;\nEV_ E: 0 [0|1] \"\" 0 1 DUMMY Vector__XXX;\n");
  EXPECT_TRUE(has(d, 7, "unsupported statement 'SIG_VALTYPE_'")) << d.format();
  EXPECT_TRUE(has(d, 8, "unsupported statement 'EV_'")) << d.format();
  EXPECT_TRUE(has(errors_of(kHead + " SG_ S : 0|8@1+ (1,0) [0|1] \"\" PCS\n"), 5, "SG_ outside a message"));
  EXPECT_TRUE(has(errors_of(kHead + "BO_ 1 A: 8 BMS\n SG_ S m1M : 0|8@1+ (1,0) [0|1] \"\" PCS\n"), 6,
                  "extended multiplexing"));
}

TEST(Dbc, OverlappingSignalsAreReported) {
  const auto d = errors_of(kHead +
                           "BO_ 100 A: 8 BMS\n"                                // 5
                           " SG_ Lo : 0|12@1+ (1,0) [0|1] \"\" PCS\n"          // 6: bits 0..11
                           " SG_ Hi : 11|4@1+ (1,0) [0|1] \"\" PCS\n"          // 7: bits 11..14
                           // Motorola start 7, length 16: bytes 0 and 1, over both.
                           " SG_ Be : 7|16@0+ (1,0) [0|1] \"\" PCS\n"          // 8
                           // Intel 16..23 vs Motorola 23|8 = the same byte 2.
                           " SG_ X : 16|8@1+ (1,0) [0|1] \"\" PCS\n"           // 9
                           " SG_ Y : 23|8@0+ (1,0) [0|1] \"\" PCS\n");         // 10
  EXPECT_TRUE(has(d, 7, "signal 'Hi' overlaps signal 'Lo' (line 6) at payload bit 11")) << d.format();
  EXPECT_TRUE(has(d, 8, "signal 'Be' overlaps signal 'Lo' (line 6)")) << d.format();
  EXPECT_TRUE(has(d, 8, "signal 'Be' overlaps signal 'Hi' (line 7)")) << d.format();
  EXPECT_TRUE(has(d, 10, "signal 'Y' overlaps signal 'X' (line 9) at payload bit 16")) << d.format();
  EXPECT_EQ(d.size(), 4u) << d.format();
}

TEST(Dbc, MultiplexedSignalsOverlapOnlyUnderTheSameValue) {
  Diagnostics ok;
  EXPECT_TRUE(Dbc::parse(kHead + "BO_ 100 A: 8 BMS\n SG_ P M : 0|8@1+ (1,0) [0|1] \"\" PCS\n"
                                 " SG_ A m0 : 8|16@1+ (1,0) [0|1] \"\" PCS\n SG_ B m1 : 8|16@1+ (1,0) [0|1] \"\" PCS\n",
                         "ok.dbc", ok)
                  .has_value())
      << ok.format();
  const auto d = errors_of(kHead +
                           "BO_ 100 A: 8 BMS\n"                                 // 5
                           " SG_ P M : 0|8@1+ (1,0) [0|1] \"\" PCS\n"           // 6
                           " SG_ A m0 : 8|16@1+ (1,0) [0|1] \"\" PCS\n"         // 7
                           " SG_ B m0 : 16|8@1+ (1,0) [0|1] \"\" PCS\n"         // 8: same page as A
                           " SG_ C m2 : 4|8@1+ (1,0) [0|1] \"\" PCS\n"          // 9: over the multiplexor
                           " SG_ Q M : 56|8@1+ (1,0) [0|1] \"\" PCS\n"          // 10: a second multiplexor
                           "BO_ 101 B: 8 BMS\n"                                 // 11
                           " SG_ Orphan m3 : 0|8@1+ (1,0) [0|1] \"\" PCS\n"     // 12: no multiplexor
                           "BO_ 102 C: 8 BMS\n"                                 // 13
                           " SG_ P M : 0|1@1+ (1,0) [0|1] \"\" PCS\n"           // 14
                           " SG_ Never m2 : 8|8@1+ (1,0) [0|1] \"\" PCS\n");    // 15: 1-bit mux cannot be 2
  EXPECT_TRUE(has(d, 8, "signal 'B' overlaps signal 'A'")) << d.format();
  EXPECT_TRUE(has(d, 9, "signal 'C' overlaps signal 'P'")) << d.format();
  EXPECT_TRUE(has(d, 10, "second multiplexor 'Q'")) << d.format();
  EXPECT_TRUE(has(d, 12, "has no multiplexor")) << d.format();
  EXPECT_TRUE(has(d, 15, "cannot hold")) << d.format();
  EXPECT_EQ(d.size(), 5u) << d.format();
}

TEST(Dbc, SignalsPastTheFrameAndBadLengthsAreReported) {
  const auto d = errors_of(kHead +
                           "BO_ 100 A: 4 BMS\n"                                 // 5
                           " SG_ Fits : 8|16@1+ (1,0) [0|1] \"\" PCS\n"         // 6: bytes 1-2
                           " SG_ Past : 32|7@1+ (1,0) [0|1] \"\" PCS\n"         // 7: byte 4
                           // Motorola MSB in byte 3 (bit 31), 9 bits: runs into byte 4.
                           " SG_ BePast : 31|9@0+ (1,0) [0|1] \"\" PCS\n"       // 8
                           " SG_ Zero : 0|0@1+ (1,0) [0|1] \"\" PCS\n"          // 9
                           " SG_ Huge : 0|65@1+ (1,0) [0|1] \"\" PCS\n"         // 10
                           " SG_ Fac : 0|1@1+ (0,0) [0|1] \"\" PCS\n"           // 11: factor 0
                           "BO_ 101 B: 8 BMS\n"                                 // 12
                           " SG_ Last : 63|64@0+ (1,0) [0|1] \"\" PCS\n"        // 13: Motorola 63|64 runs past byte 7
                           " SG_ Start : 64|1@1+ (1,0) [0|1] \"\" PCS\n"        // 14
                           "BO_ 102 C: 9 BMS\n");                               // 15: DLC 9
  EXPECT_TRUE(has(d, 7, "reaches byte 4, past the frame (DLC 4)")) << d.format();
  EXPECT_TRUE(has(d, 8, "reaches byte 4, past the frame (DLC 4)")) << d.format();
  EXPECT_TRUE(has(d, 9, "length 0 (expected 1..64 bits)")) << d.format();
  EXPECT_TRUE(has(d, 10, "length 65 (expected 1..64 bits)")) << d.format();
  EXPECT_TRUE(has(d, 11, "factor must be a finite number other than 0")) << d.format();
  EXPECT_TRUE(has(d, 13, "past the frame (DLC 8)")) << d.format();
  EXPECT_TRUE(has(d, 14, "past the frame (DLC 8)")) << d.format();
  EXPECT_TRUE(has(d, 15, "DLC 9 (expected 0..8")) << d.format();
  EXPECT_EQ(d.size(), 8u) << d.format();
}

TEST(Dbc, DuplicatesAreReported) {
  const auto d = errors_of(kHead +
                           "BO_ 100 A: 8 BMS\n"                                 // 5
                           " SG_ S : 0|8@1+ (1,0) [0|1] \"\" PCS\n"             // 6
                           " SG_ S : 8|8@1+ (1,0) [0|1] \"\" PCS\n"             // 7
                           "BO_ 100 B: 8 BMS\n"                                 // 8: same id
                           "BO_ 2147483748 C: 8 BMS\n"                          // 9: 100 extended: fine
                           "BO_ 101 A: 8 BMS\n"                                 // 10: same name
                           "BU_: X X\n");                                       // 11
  EXPECT_TRUE(has(d, 7, "signal name 'S' is already used on line 6")) << d.format();
  EXPECT_TRUE(has(d, 8, "same identifier as 'A' on line 5")) << d.format();
  EXPECT_TRUE(has(d, 10, "message name 'A' is already used on line 5")) << d.format();
  EXPECT_TRUE(has(d, 11, "node 'X' is listed twice")) << d.format();
  EXPECT_EQ(d.size(), 4u) << d.format();
}

TEST(Dbc, IdentifierRangesAreChecked) {
  const auto d = errors_of(kHead +
                           "BO_ 2048 A: 8 BMS\n"          // 5: 0x800 needs 29 bits
                           "BO_ 2684354560 B: 8 BMS\n"    // 6: 0xA0000000: 0x20000000 > 29 bits
                           "BO_ 4294967296 C: 8 BMS\n");  // 7: > 32 bits
  EXPECT_TRUE(has(d, 5, "does not fit 11 bits")) << d.format();
  EXPECT_TRUE(has(d, 6, "does not fit 29 bits")) << d.format();
  EXPECT_TRUE(has(d, 7, "expected the message identifier (an integer from 0 to 4294967295)")) << d.format();
}

TEST(Dbc, UnknownNodesAndReferencesAreReported) {
  const auto d = errors_of(kHead +
                           "BO_ 100 A: 8 Nobody\n"                                   // 5
                           " SG_ S : 0|8@1+ (1,0) [0|1] \"\" PCS,Ghost\n"            // 6
                           " SG_ T : 8|8@1+ (1,0) [0|1] \"\" Vector__XXX\n"          // 7: allowed
                           "CM_ BO_ 101 \"no such message\";\n"                      // 8
                           "CM_ SG_ 100 U \"no such signal\";\n"                     // 9
                           "CM_ BU_ Ghost \"no such node\";\n"                       // 10
                           "BA_DEF_ BO_ \"GenMsgCycleTime\" INT 0 65535;\n"          // 11
                           "BA_ \"GenMsgCycleTime\" BO_ 2147483748 100;\n"           // 12: 100 extended
                           "BA_ \"Undefined\" BO_ 100 1;\n"                          // 13
                           "BA_DEF_DEF_ \"AlsoUndefined\" 0;\n"                      // 14
                           "BA_ \"GenMsgCycleTime\" SG_ 100 S 1;\n"                  // 15: wrong object kind
                           "BA_ \"GenMsgCycleTime\" BO_ 100 \"fast\";\n"             // 16: wrong value type
                           "VAL_ 100 Missing 0 \"x\";\n"                             // 17
                           "VAL_ 100 S 0 \"a\" 0 \"b\";\n"                           // 18: value twice
                           "VAL_ 100 T 1 \"a\";\n"                                   // 19
                           "VAL_ 100 T 2 \"b\";\n");                                 // 20: table twice
  EXPECT_TRUE(has(d, 5, "sender 'Nobody' is not a node listed in BU_")) << d.format();
  EXPECT_TRUE(has(d, 6, "receiver 'Ghost' is not a node listed in BU_")) << d.format();
  EXPECT_TRUE(has(d, 8, "CM_ refers to BO_ 101 (0x65)")) << d.format();
  EXPECT_TRUE(has(d, 9, "CM_ refers to signal 'U' of message 'A'")) << d.format();
  EXPECT_TRUE(has(d, 10, "CM_ refers to node 'Ghost'")) << d.format();
  EXPECT_TRUE(has(d, 12, "BA_ refers to BO_ 2147483748 (0x64, extended)")) << d.format();
  EXPECT_TRUE(has(d, 13, "attribute \"Undefined\", which no BA_DEF_ defines")) << d.format();
  EXPECT_TRUE(has(d, 14, "\"AlsoUndefined\", which no BA_DEF_ defines")) << d.format();
  EXPECT_TRUE(has(d, 15, "different kind of object than its BA_DEF_ on line 11")) << d.format();
  EXPECT_TRUE(has(d, 16, "expected a number value, found '\"fast\"'")) << d.format();
  EXPECT_TRUE(has(d, 17, "VAL_ refers to signal 'Missing'")) << d.format();
  EXPECT_TRUE(has(d, 18, "raw value 0 is described twice")) << d.format();
  EXPECT_TRUE(has(d, 20, "VAL_ for signal 'T' appears twice")) << d.format();
  EXPECT_EQ(d.size(), 13u) << d.format();
}

TEST(Dbc, DiagnosticsCarryTheFileLabel) {
  Diagnostics d;
  EXPECT_FALSE(Dbc::parse("BO_ x", "models/dbc/x.dbc", d).has_value());
  ASSERT_FALSE(d.empty());
  EXPECT_EQ(format_diagnostic(d.items()[0]).rfind("models/dbc/x.dbc:1:5: expected the message identifier", 0), 0u)
      << d.format();
}

}  // namespace
}  // namespace stacksim::protocol
