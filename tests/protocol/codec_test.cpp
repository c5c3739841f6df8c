// The codec against bytes worked out by hand or captured from real batteries
// (shared/reference/protocols.md), and against a bit-by-bit reference that
// walks the DBC numbering independently of the codec's word arithmetic.
#include "protocol/codec.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <random>

namespace stacksim::protocol {
namespace {

using Bytes = std::array<std::uint8_t, 8>;

const Dbc& tiny() {
  static const Dbc dbc = [] {
    Diagnostics d;
    auto loaded = Dbc::load(std::filesystem::path(STACKSIM_DATA_DIR) / "tests/protocol/data/tiny.dbc", d);
    if (!loaded) throw std::runtime_error(d.format());
    return *loaded;
  }();
  return dbc;
}

bus::CanFrame frame(std::uint32_t id, bool extended, std::initializer_list<std::uint8_t> bytes) {
  bus::CanFrame f;
  f.id = id;
  f.extended = extended;
  f.dlc = static_cast<std::uint8_t>(bytes.size());
  std::copy(bytes.begin(), bytes.end(), f.data.begin());
  return f;
}

// Encodes every signal of `m` from `values` (in signal order) with the
// compiled codec and returns the frame.
bus::CanFrame encode_all(const Message& m, const std::vector<double>& values) {
  MessageCodec codec(m);
  EXPECT_EQ(codec.size(), values.size());
  bus::CanFrame f;
  codec.encode(values.data(), f);
  return f;
}

// §1.4: "351: 14 02 C0 12 C0 12 C2 01 -> 53.2 V, 480.0 A, 480.0 A, 45.0 V" [SFL13].
TEST(Codec, PylontechLvLimitsCapture) {
  const Message& m = *tiny().find(0x351, false);
  const auto f = frame(0x351, false, {0x14, 0x02, 0xC0, 0x12, 0xC0, 0x12, 0xC2, 0x01});
  EXPECT_NEAR(*decode(m, "ChargeVoltage", f), 53.2, 1e-9);
  EXPECT_NEAR(*decode(m, "ChargeCurrentLimit", f), 480.0, 1e-9);
  EXPECT_NEAR(*decode(m, "DischargeCurrentLimit", f), 480.0, 1e-9);
  EXPECT_NEAR(*decode(m, "DischargeVoltage", f), 45.0, 1e-9);
  EXPECT_FALSE(decode(m, "NoSuchSignal", f).has_value());

  const auto back = encode_all(m, {53.2, 480.0, 480.0, 45.0});
  EXPECT_EQ(back.data, f.data);
  EXPECT_EQ(back.id, 0x351u);
  EXPECT_FALSE(back.extended);
  EXPECT_EQ(back.dlc, 8);
  // The second bank of §1.4: 53.2 V, 370.0 A, 370.0 A, 46.0 V [OPENDTU-PR1213].
  EXPECT_EQ(encode_all(m, {53.2, 370.0, 370.0, 46.0}).data, (Bytes{0x14, 0x02, 0x74, 0x0E, 0x74, 0x0E, 0xCC, 0x01}));
}

// §1.4: "356: 7A 13 F2 FE 6B 01 -> 49.86 V, -27.0 A, 36.3 degC" [SFL13]: signed LE.
TEST(Codec, PylontechLvMeasurementsCaptureIsSigned) {
  const Message& m = *tiny().find(0x356, false);
  const auto f = frame(0x356, false, {0x7A, 0x13, 0xF2, 0xFE, 0x6B, 0x01});
  EXPECT_NEAR(*decode(m, "Voltage", f), 49.86, 1e-9);
  EXPECT_NEAR(*decode(m, "Current", f), -27.0, 1e-9);
  EXPECT_NEAR(*decode(m, "Temperature", f), 36.3, 1e-9);
  EXPECT_EQ(get_raw(*m.signal("Current"), f.data.data()), -270);
  EXPECT_EQ(encode_all(m, {49.86, -27.0, 36.3}).data, f.data);
  EXPECT_EQ(encode_all(m, {49.86, -27.0, 36.3}).dlc, 6);
}

// §2.3 offsets: current raw = I[0.1 A] + 30000, temperature raw = T[0.1 degC] + 1000.
// 384.0 V -> 3840 = 0x0F00; -25.0 A -> 29750 = 0x7436; 25.0 degC -> 1250 = 0x04E2.
TEST(Codec, PylontechHvOffsets) {
  const Message& m = *tiny().find(0x4210, true);
  const auto f = encode_all(m, {384.0, -25.0, 25.0, 80, 99});
  EXPECT_EQ(f.data, (Bytes{0x00, 0x0F, 0x36, 0x74, 0xE2, 0x04, 0x50, 0x63}));
  EXPECT_TRUE(f.extended);
  EXPECT_EQ(f.id, 0x4210u);
  EXPECT_NEAR(*decode(m, "Current", f), -25.0, 1e-9);
  EXPECT_NEAR(*decode(m, "Temperature", f), 25.0, 1e-9);
  EXPECT_EQ(to_raw(*m.signal("Current"), 0.0), 30000);
}

// §2.3: "0x7320: 2D 00 03 0F 90 00 32 00 -> 45 cells, 3 modules in series,
// 15 cells/module, 144 V, 50 Ah" [EEV].
TEST(Codec, PylontechHvSystemInfoCapture) {
  const Message& m = *tiny().find(0x7320, true);
  const auto f = frame(0x7320, true, {0x2D, 0x00, 0x03, 0x0F, 0x90, 0x00, 0x32, 0x00});
  MessageCodec codec(m);
  std::vector<double> v(codec.size());
  codec.decode(f, v.data());
  EXPECT_EQ(v, (std::vector<double>{45, 3, 15, 144, 50}));
}

// §4.1 Growatt 0x313 is big-endian: 51.20 V -> 5120 = 0x1400 -> 14 00;
// -27.0 A -> -270 = 0xFEF2; 25.3 degC -> 253 = 0x00FD; SOC 88 = 0x58;
// SOH 94 in bits 0-6 of byte 7 (0x5E), SOH flag in bit 7.
TEST(Codec, GrowattBigEndian) {
  const Message& m = *tiny().find(0x313, false);
  EXPECT_EQ(encode_all(m, {51.20, -27.0, 25.3, 88, 94, 0}).data,
            (Bytes{0x14, 0x00, 0xFE, 0xF2, 0x00, 0xFD, 0x58, 0x5E}));
  const auto f = encode_all(m, {51.20, -27.0, 25.3, 88, 94, 1});
  EXPECT_EQ(f.data[7], 0xDE);
  EXPECT_NEAR(*decode(m, "Voltage", f), 51.20, 1e-9);
  EXPECT_NEAR(*decode(m, "Current", f), -27.0, 1e-9);
  EXPECT_NEAR(*decode(m, "MaxTemperature", f), 25.3, 1e-9);
  EXPECT_EQ(*decode(m, "SOH", f), 94);
  EXPECT_EQ(*decode(m, "SohFlag", f), 1);
}

// Odd lengths across byte borders, worked bit by bit:
//  Nib (0|4 Intel, signed) = -3 -> 0b1101 in byte 0 bits 0-3;
//  Odd12 (4|12 Intel, 0.5/-10) = 100 -> raw 220 = 0x0DC: byte 0 bits 4-7 = 0xC, byte 1 = 0x0D;
//  OddBe11 (17|11 Motorola) = 677 = 0b010'1010'0101: byte 2 bits 1-0 = 01, byte 3 = 0x52, byte 4 bit 7 = 1;
//  Small6 (18|6 Intel) = 45 -> byte 2 bits 2-7 = 0xB4.
TEST(Codec, OddLengthsAcrossBytes) {
  const Message& m = *tiny().find(0x18FF50E5, true);
  MessageCodec codec(m);
  std::vector<double> v(codec.size());
  v[*codec.index("Nib")] = -3;
  v[*codec.index("Odd12")] = 100;
  v[*codec.index("OddBe11")] = 677;
  v[*codec.index("Small6")] = 45;
  bus::CanFrame f;
  codec.encode(v.data(), f);
  EXPECT_EQ(f.dlc, 5);
  EXPECT_EQ(f.data, (Bytes{0xCD, 0x0D, 0xB5, 0x52, 0x80, 0, 0, 0}));
  // -2 as 11-bit two's complement is 0x7FE: byte 2 bits 1-0 = 11, byte 3 = 0xFF, byte 4 bit 7 = 0.
  std::array<std::uint8_t, 8> d{};
  set_raw(*m.signal("OddBe11"), d.data(), -2);
  EXPECT_EQ(d, (Bytes{0, 0, 0x03, 0xFF, 0x00, 0, 0, 0}));
  EXPECT_EQ(get_raw(*m.signal("OddBe11"), d.data()), -2);
  std::vector<double> out(codec.size());
  codec.decode(f, out.data());
  EXPECT_EQ(out, v);
  EXPECT_FALSE(codec.index("Missing").has_value());
}

TEST(Codec, MultiplexedPages) {
  const Message& m = *tiny().find("CellPages");
  MessageCodec codec(m);
  const double nan = std::nan("");
  // Page 0: Cell1 3.301 V = 0x0CE5, Cell2 3.299 V = 0x0CE3; Cell3 belongs to page 1 and is left out.
  const std::vector<double> page0{0, 3.301, 3.299, 3.2, 7};
  bus::CanFrame f;
  codec.encode(page0.data(), f);
  EXPECT_EQ(f.data, (Bytes{0x00, 0xE5, 0x0C, 0xE3, 0x0C, 0, 0, 7}));
  std::vector<double> out(codec.size());
  codec.decode(f, out.data());
  EXPECT_DOUBLE_EQ(out[1], 3.301);
  EXPECT_TRUE(std::isnan(out[3]));
  EXPECT_TRUE(present(m, *m.signal("Cell1"), f.data.data()));
  EXPECT_FALSE(present(m, *m.signal("Cell3"), f.data.data()));
  EXPECT_TRUE(present(m, *m.signal("Flags"), f.data.data()));
  EXPECT_FALSE(decode(m, "Cell3", f).has_value());

  // Page 1: Cell3 3.2 V = 0x0C80; NaN values stay 0.
  codec.encode(std::vector<double>{1, 3.301, nan, 3.2, nan}.data(), f);
  EXPECT_EQ(f.data, (Bytes{0x01, 0x80, 0x0C, 0, 0, 0, 0, 0}));
  EXPECT_NEAR(*decode(m, "Cell3", f), 3.2, 1e-12);
  EXPECT_FALSE(decode(m, "Cell1", f).has_value());
}

TEST(Codec, ShortFramesDoNotCarryLaterSignals) {
  const Message& m = *tiny().find(0x351, false);
  auto f = frame(0x351, false, {0x14, 0x02, 0xC0, 0x12});  // only 4 bytes arrived
  EXPECT_NEAR(*decode(m, "ChargeVoltage", f), 53.2, 1e-9);
  EXPECT_FALSE(decode(m, "DischargeCurrentLimit", f).has_value());
  MessageCodec codec(m);
  std::vector<double> out(codec.size());
  codec.decode(f, out.data());
  EXPECT_FALSE(std::isnan(out[1]));
  EXPECT_TRUE(std::isnan(out[2]));
  f.rtr = true;  // a remote frame carries no data at all
  codec.decode(f, out.data());
  EXPECT_TRUE(std::isnan(out[0]));
}

TEST(Codec, RoundsToNearestWithoutClamping) {
  Signal s;
  s.length = 8;
  s.factor = 0.5;
  EXPECT_EQ(to_raw(s, 1.24), 2);   // 2.48
  EXPECT_EQ(to_raw(s, 1.25), 3);   // 2.5 rounds away from zero
  EXPECT_EQ(to_raw(s, -1.25), -3);
  EXPECT_EQ(to_raw(s, 200.0), 400);  // out of range: no clamping...
  std::array<std::uint8_t, 8> d{};
  encode(s, d.data(), 200.0);
  EXPECT_EQ(d[0], 400 & 0xFF);  // ...and set_raw keeps the low 8 bits
  EXPECT_EQ(d[1], 0);
}

// Reference: set bit by bit, walking the DBC numbering. Intel runs up from
// the LSB at start; Motorola runs down from the MSB at start, and after bit
// 0 of a byte continues at bit 7 of the next byte.
void reference_set(const Signal& s, std::uint8_t* d, std::uint64_t raw) {
  int pos = s.start_bit;
  for (int i = 0; i < s.length; ++i) {
    const int value_bit = s.little_endian ? i : s.length - 1 - i;
    const bool bit = (raw >> value_bit) & 1;
    d[pos / 8] = static_cast<std::uint8_t>((d[pos / 8] & ~(1 << (pos % 8))) | (bit << (pos % 8)));
    if (s.little_endian) ++pos;
    else pos = pos % 8 == 0 ? pos + 15 : pos - 1;
  }
}

TEST(Codec, AgreesWithABitByBitReferenceOnRandomLayouts) {
  std::mt19937_64 rng(20240611);
  for (int trial = 0; trial < 20000; ++trial) {
    Signal s;
    s.little_endian = (rng() & 1) != 0;
    s.is_signed = (rng() & 1) != 0;
    s.length = static_cast<std::uint16_t>(1 + rng() % 64);
    if (s.little_endian) {
      s.start_bit = static_cast<std::uint16_t>(rng() % (65 - s.length));
    } else {
      // Any MSB whose field ends inside byte 7: pick the LSB in the BE word, go up.
      const int lsb_be = static_cast<int>(rng() % (65 - s.length));
      const int msb_be = lsb_be + s.length - 1;
      s.start_bit = static_cast<std::uint16_t>((7 - msb_be / 8) * 8 + msb_be % 8);
    }
    const std::uint64_t raw = rng() & (s.length == 64 ? ~0ull : (1ull << s.length) - 1);
    std::array<std::uint8_t, 8> background{};
    for (auto& b : background) b = static_cast<std::uint8_t>(rng());
    auto expected = background;
    reference_set(s, expected.data(), raw);
    auto actual = background;
    const std::int64_t signed_raw =
        s.is_signed && s.length < 64 && (raw >> (s.length - 1)) != 0 ? static_cast<std::int64_t>(raw - (1ull << s.length))
                                                                     : static_cast<std::int64_t>(raw);
    set_raw(s, actual.data(), signed_raw);
    ASSERT_EQ(actual, expected) << "trial " << trial << " start " << s.start_bit << " len " << s.length;
    ASSERT_EQ(get_raw(s, actual.data()), signed_raw) << "trial " << trial;

    // The compiled codec on a one-signal message gives the same bytes.
    Message m;
    m.signals.push_back(s);
    MessageCodec codec(m);
    std::array<std::uint8_t, 8> compiled{};
    codec.encode_raw(&signed_raw, compiled.data());
    auto expected_clean = std::array<std::uint8_t, 8>{};
    reference_set(s, expected_clean.data(), raw);
    ASSERT_EQ(compiled, expected_clean) << "trial " << trial;
    std::int64_t back = 0;
    codec.decode_raw(expected.data(), &back);
    ASSERT_EQ(back, signed_raw) << "trial " << trial;
  }
}

}  // namespace
}  // namespace stacksim::protocol
