"""A Sofar HV (AMASS) inverter on any python-can bus, for the `stacksim serve` tests.

Written from the protocol reference (/work/shared/reference/protocols.md
section 3.1, "Sofar HV BMS (Extended) protocol"), not from stacksim's C++.
No official document is public; 3.1 is Battery-Emulator's implementation
[BE-SOFAR] and a captured AMASS sample, and the decode below says which one
each field follows. Every frame is 29-bit, little-endian, id + (battery id <<
12); the battery broadcasts 0x351, 0x355, 0x356, 0x359, 0x35E, 0x35F, 0x30F
every second, and answers the PCS's 0x605 inquiries (byte 0 target battery,
byte 1 inquiry, byte 2 sub-target k, here the module from 0): 0x01 the serial
number 0x671..0x673, 0x02 cell voltages 0x680.. (three per frame, 1 mV, from
byte 1 as in the sample), 0x0A temperatures 0x690.. (three per frame, 0.1 C,
from byte 1 as in the sample). The PCS here asks one inquiry at a time and
waits for its answer (or 1 s) before the next.

The numbers it checks come from the GTX3000 manual (products.md, string table
and technical data) and the scenario tests/serve/gtx3000-h4-hot-sensor.json: a
GTX3000-H4 string, whose default profile is sofar-hv (the AMASS sample itself
reads as a 4-module string of 50 Ah, 3.1).
"""
import struct

import gtx3000_manual
from serve_harness import CanInverter, can, fail

SPEED = 4.0
SERVER_ARGS = ()
PCS_IDS = (0x605,)
EXTENDED = True  # 3.1: every frame, 0x351 included, is extended

BROADCAST = (0x351, 0x355, 0x356, 0x359, 0x35E, 0x35F, 0x30F)
SERIAL, CELLS, TEMPERATURES = 0x01, 0x02, 0x0A
ANSWERS = {SERIAL: (0x671, 0x672, 0x673),
           CELLS: (0x680, 0x681, 0x682, 0x683, 0x684, 0x685),
           TEMPERATURES: (0x690, 0x691)}
INVALID = 0x8000  # a reading a sensor does not have (the SMA convention, 1.5)


def triples(frames):
    """Bytes 1-6 of each frame as three little-endian 16-bit values, in order (the sample's 0x680 / 0x690)."""
    out = []
    for data in frames:
        out.extend(struct.unpack("<HHH", data[1:7]))
    return out


class SofarHvInverter(CanInverter):
    PERIOD = 0.1  # an inquiry at most every 100 ms simulated, one at a time

    def __init__(self, bus, speed, interface):
        super().__init__(bus, speed, interface)
        self.inquiries = []
        self.turn = 0
        self.pending = None
        self.pending_since = 0.0
        self.got = {}
        self.answers = {}  # (inquiry, module) -> the answer's frames, in id order

    def modules(self, n):
        self.inquiries = [(q, m) for m in range(n) for q in (SERIAL, CELLS, TEMPERATURES)]

    def key(self, arbitration_id):
        return arbitration_id & ~0xF000  # 3.1: the battery id in bits 12-15 (0 here)

    def frames(self):
        if not self.inquiries:
            return []
        if self.pending and self.sim_now() - self.pending_since < 1.0:
            return []  # still waiting for the answer
        self.pending = self.inquiries[self.turn % len(self.inquiries)]
        self.turn += 1
        self.pending_since = self.sim_now()
        self.got = {}
        q, module = self.pending
        return [can.Message(arbitration_id=0x605, is_extended_id=True, data=bytes([0, q, module]) + bytes(5))]

    def receive(self, key, data):
        if self.pending and key in ANSWERS[self.pending[0]]:
            self.got[key] = data
            if len(self.got) == len(ANSWERS[self.pending[0]]):
                self.answers[self.pending] = [self.got[i] for i in ANSWERS[self.pending[0]]]
                self.pending = None

    def limits(self):
        """0x351 (B-E, the sample agrees): charge cut-off V, charge / discharge current A, discharge cut-off V."""
        cv, ci, di, dv = struct.unpack("<HhhH", self.last[0x351])
        return cv / 10, ci / 10, di / 10, dv / 10

    def soc(self):
        """0x355 as the sample reads: SOC %, SOH %, 0xFFFF, remaining capacity 0.1 Ah."""
        soc, soh, _, remaining = struct.unpack("<HHHH", self.last[0x355])
        return soc, soh, remaining / 10

    def measurements(self):
        """0x356 (B-E): voltage 0.1 V (not 0.01 V as Pylon LV), current 0.1 A, temperature 0.1 C."""
        v, i, t = struct.unpack("<Hhh", self.last[0x356][:6])
        return v / 10, i / 10, t / 10

    def flags(self):
        """0x359 as the sample reads: four Pylon-LV-style flag bytes (1.3 map), modules in byte 4."""
        return self.last[0x359][:4], self.last[0x359][4]

    def command(self):
        """0x30F (B-E): byte 0 remote command (0 normal), byte 1 bit 0 discharge / bit 1 charge allowed."""
        return self.last[0x30F][0], self.last[0x30F][1]

    def temperatures(self, module):
        return [t / 10 for t in triples(self.answers[(TEMPERATURES, module)]) if t != INVALID]


OVER_TEMPERATURE = 0x08  # 1.3: 0x359 byte 0 bit 3, cell over-temperature (protection)
HIGH_TEMPERATURE = 0x08  # 1.3: 0x359 byte 2 bit 3, cell high temperature (alarm)


def check(inv, facts):
    n = facts["modules"]
    fault_at, hot = facts["fault_at"], facts["fault_value"]
    inv.modules(n)

    # At rest: start-up takes about 7 s simulated; wait for every broadcast
    # with both directions allowed, and an answer to every inquiry.
    inv.wait_for("no broadcast set with charge and discharge allowed and answers to every inquiry",
                 lambda: all(k in inv.last for k in BROADCAST) and inv.command()[1] == 0x03
                 and all(x in inv.answers for x in inv.inquiries),
                 fault_at - 1)
    inv.check_before(fault_at)
    cv, ci, di, dv = inv.limits()
    # The firmware's 224.6 V / 182.4 V are also the AMASS sample's own values (3.1).
    gtx3000_manual.check_limits("0x351", n, cv, dv, ci, di)
    soc, soh, remaining = inv.soc()
    if abs(soc - facts["soc"]) > 1 or soh != 100:
        fail("0x355 SOC/SOH %d/%d, expected %d/100" % (soc, soh, facts["soc"]))
    # 50 Ah modules (products.md) in series: the string holds SOC x 50 Ah.
    if abs(remaining - 50 * facts["soc"] / 100) > 1.0:
        fail("0x355 remaining capacity %.1f Ah at %d %% of 50 Ah" % (remaining, soc))
    v, i, t = inv.measurements()
    if not 16 * n * 3.25 <= v <= 16 * n * 3.35:
        fail("0x356 voltage %.1f V for %d cells at rest (3.25-3.35 V each)" % (v, 16 * n))
    if abs(i) > 1.0 or abs(t - facts["temperature"]) > 2:
        fail("0x356 current %.1f A, temperature %.1f C at rest" % (i, t))
    flags, modules = inv.flags()
    if flags != bytes(4) or modules != n:
        fail("0x359 %s: expected no flag and %d modules" % (inv.last[0x359].hex(" "), n))
    if inv.last[0x35E].rstrip(b"\0") != b"AMASS":
        fail("0x35E %r: expected AMASS (the sample)" % inv.last[0x35E])
    if struct.unpack("<H", inv.last[0x35F][4:6])[0] != 50:
        fail("0x35F %s: nominal capacity should be 50 Ah (bytes 4-5)" % inv.last[0x35F].hex(" "))
    if inv.command() != (0, 0x03):
        fail("0x30F %s: expected normal, charge and discharge allowed" % inv.last[0x30F].hex(" "))
    for module in range(n):
        serial = b"".join(f[1:8] for f in inv.answers[(SERIAL, module)]).rstrip(b"\0 ")
        if not serial or not all(0x20 <= c < 0x7F for c in serial):
            fail("0x671-0x673 for module %d: %r is no ASCII serial number" % (module, serial))
        cells = triples(inv.answers[(CELLS, module)])[:16]
        if not all(3250 <= c <= 3350 for c in cells):
            fail("0x680-0x685 for module %d: cells %s mV, expected 3250-3350 at rest" % (module, cells))
        temps = inv.temperatures(module)
        if not temps or not all(abs(x - facts["temperature"]) <= 2 for x in temps):
            fail("0x690-0x691 for module %d: temperatures %s C" % (module, temps))
    print("ok at rest: %.1f V, %.1f A, SOC %d %%, %.1f Ah; limits %.1f V / %.1f V, %.1f A / %.1f A; serial %s"
          % (v, i, soc, remaining, cv, dv, ci, di, serial.decode()), flush=True)

    # The scenario's sensor reads 56 C: above 55 C the battery could not
    # charge, it may still discharge up to 60 C (manual 8.1 a, b). Allow the
    # 2 s debounce, a 1 s conversion, the broadcast period and margin.
    hot_module = facts["fault_module"] - 1
    inv.wait_for("no over-temperature protection, charge disallowed and a 0 A charge limit at %.0f C" % hot,
                 lambda: inv.flags()[0][0] & OVER_TEMPERATURE and not inv.command()[1] & 0x02
                 and inv.limits()[1] == 0.0 and any(abs(x - hot) <= 1 for x in inv.temperatures(hot_module)),
                 fault_at + 8)
    flags, _ = inv.flags()
    if not flags[2] & HIGH_TEMPERATURE:
        fail("0x359 byte 2 %02X: no high temperature alarm beside the protection" % flags[2])
    _, ci, di, _ = inv.limits()
    if not inv.command()[1] & 0x01 or not 0 < di <= 30.0:
        fail("discharge should still be allowed at %.0f C: 0x30F %s, limit %.1f A" %
             (hot, inv.last[0x30F].hex(" "), di))
    others = [x for x in inv.temperatures(hot_module) if abs(x - hot) > 1]
    if not all(abs(x - facts["temperature"]) <= 2 for x in others):
        fail("0x690-0x691 for module %d: %s C, one sensor at %.0f C and the rest near %.0f C expected"
             % (hot_module, inv.temperatures(hot_module), hot, facts["temperature"]))
    # 3.1: 0x356 bytes 4-5 are the max temperature (B-E, "working"), so the
    # hot sensor shows there.
    t356 = inv.measurements()[2]
    if abs(t356 - hot) > 1:
        fail("0x356 temperature %.1f C while a sensor reads %.0f C (3.1: the max temperature)" % (t356, hot))
    print("ok at %.0f C: 0x359 %s, 0x30F %s, discharge limit %.1f A"
          % (hot, inv.last[0x359].hex(" "), inv.last[0x30F].hex(" "), di))
    inv.check_formats(EXTENDED)
