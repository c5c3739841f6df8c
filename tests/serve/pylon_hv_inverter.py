"""A Pylontech-HV inverter (PCS) on any python-can bus, for the `stacksim serve` tests.

Written from the protocol reference (/work/shared/reference/protocols.md
section 2, "Pylontech high-voltage CAN"), not from stacksim's C++: 29-bit ids,
little-endian, current raw = 10 x A + 30000 and temperature raw = 10 x C + 1000
(2.3, and 2.7 item 1: LE + offsets is the specification). The PCS polls (2.1):
0x4200 every second, byte 0 = 0 (ensemble information, answered 0x4210..0x4290)
and 2 (system equipment information, 0x7310..0x7340) in turn (2.2); once it
asks for the masking of "external communication fail" with 0x8240, which the
battery answers with 0x8250 (2.2). The battery's address is 0: the low nibble
of its ids (2.1).

The numbers it checks come from the GTX3000 manual (products.md, string table
and technical data) and the scenario: tests/serve/gtx3000-h5-cold-sensor.json,
a GTX3000-H5 string served with `--protocol pylon-hv` (the product's default is
sofar-hv; a Sofar HYD inverter can be set to "Pylontech" [BE-I443]).
"""
import struct

import gtx3000_manual
from serve_harness import CanInverter, can, fail

SPEED = 4.0
SERVER_ARGS = ("--protocol", "pylon-hv")
PCS_IDS = (0x4200, 0x8240)
EXTENDED = True  # 2.1: 29-bit identifiers


def current(raw):
    """2.3: 0.1 A with a -3000 A offset."""
    return (raw - 30000) / 10


def temperature(raw):
    """2.3: 0.1 C with a -100 C offset."""
    return (raw - 1000) / 10


class PylonHvInverter(CanInverter):
    def __init__(self, bus, speed, interface):
        super().__init__(bus, speed, interface)
        self.request = 0
        self.mask_request = False

    def frames(self):
        # 2.2: 0x4200 byte 0 = 0 / 2, alternating, as B-E's PCS-side driver cycles them.
        out = [can.Message(arbitration_id=0x4200, is_extended_id=True, data=bytes([self.request]) + bytes(7))]
        self.request = 2 if self.request == 0 else 0
        if self.mask_request:
            out.append(can.Message(arbitration_id=0x8240, is_extended_id=True, data=bytes(8)))
            self.mask_request = False
        return out

    def key(self, arbitration_id):
        return arbitration_id & ~0xF  # 2.1: the address nibble (0 here)

    # 2.3, answer to 0x4200 byte 0 = 0
    def ensemble(self):
        v, i, t, soc, soh = struct.unpack("<HHHBB", self.last[0x4210])
        return v / 10, current(i), temperature(t), soc, soh

    def limits(self):
        """Charge / discharge cut-off voltage (V), max charge / discharge current (A).
        2.3 / 2.7 item 4: the discharge limit is sent as a negative current by
        diyBMS (30000 - I) and as a positive one by others (30000 + I); like
        B-E's parser, the magnitude is what counts."""
        cv, dv, ci, di = struct.unpack("<HHHH", self.last[0x4220])
        return cv / 10, dv / 10, current(ci), abs(current(di))

    def cells(self):
        vmax, vmin, nmax, nmin = struct.unpack("<HHHH", self.last[0x4230])
        return vmax, vmin, nmax, nmin

    def temperatures(self):
        tmax, tmin, nmax, nmin = struct.unpack("<HHHH", self.last[0x4240])
        return temperature(tmax), temperature(tmin), nmax, nmin

    def status(self):
        """2.4: byte 0 (state in bits 0-2, force charge bit 3, balance charge bit 4),
        cycles (bytes 1-2, 2.7 item 5), error byte 3, alarm word 4-5, protection word 6-7."""
        basic, cycles, error, alarm, protection = struct.unpack("<BHBHH", self.last[0x4250])
        return basic, cycles, error, alarm, protection

    def modules(self):
        vmax, vmin, nmax, nmin = struct.unpack("<HHHH", self.last[0x4260])
        return vmax / 1000, vmin / 1000, nmax, nmin

    def module_temperatures(self):
        tmax, tmin, nmax, nmin = struct.unpack("<HHHH", self.last[0x4270])
        return temperature(tmax), temperature(tmin), nmax, nmin

    def forbidden(self):
        """2.3: 0x4280 byte 0 charge, byte 1 discharge: 0xAA forbidden, 0x00 allowed."""
        return self.last[0x4280][0], self.last[0x4280][1]


# 2.4: alarm and protection word bits
CHARGE_CELL_LOW_TEMP = 1 << 4
DISCHARGE_CELL_LOW_TEMP = 1 << 6


def check(inv, facts):
    n = facts["modules"]
    cells = 16 * n  # products.md: a GTX3000-H module is 16S of 50 Ah
    nominal = 51.2 * n  # products.md, GTX3000 string table (H5: 256 V)
    fault_at = facts["fault_at"]

    # At rest: start-up (button, coding, pre-charge) takes about 7 s
    # simulated; wait for the whole answer with the path closed.
    inv.wait_for("no full answer to 0x4200 with charge and discharge allowed",
                 lambda: inv.forbidden() == (0, 0) and all(
                     k in inv.last for k in (0x4210, 0x4220, 0x4230, 0x4240, 0x4250, 0x4260, 0x4270, 0x4290,
                                             0x7310, 0x7320, 0x7330, 0x7340)),
                 fault_at - 3)
    inv.mask_request = True
    inv.wait_for("no 0x8250 answer to 0x8240", lambda: 0x8250 in inv.last, fault_at - 1)
    inv.check_before(fault_at)
    cv, dv, ci, di = inv.limits()
    gtx3000_manual.check_limits("0x4220", n, cv, dv, ci, di)  # the firmware's: 280.8 V, 228.0 V, 30 A
    v, i, t_bms, soc, soh = inv.ensemble()
    if abs(soc - facts["soc"]) > 1 or soh != 100:
        fail("0x4210 SOC/SOH %d/%d, expected %d/100" % (soc, soh, facts["soc"]))
    # Cells at rest at 50 % SOC: the LFP OCV plateau, 3.25-3.35 V each.
    if not cells * 3.25 <= v <= cells * 3.35:
        fail("0x4210 total voltage %.1f V for %d cells at rest" % (v, cells))
    if abs(i) > 1.0:
        fail("0x4210 current %.1f A at rest" % i)
    # "Second-level BMS temperature": the BCU board, which runs somewhat
    # warmer than the cells; no manual number, so a plausible band.
    if not facts["temperature"] - 5 <= t_bms <= facts["temperature"] + 15:
        fail("0x4210 BMS temperature %.1f C" % t_bms)
    vmax, vmin, nmax, nmin = inv.cells()
    if not 3250 <= vmin <= vmax <= 3350 or not 1 <= nmax <= cells or not 1 <= nmin <= cells:
        fail("0x4230 cells %d..%d mV (#%d, #%d)" % (vmin, vmax, nmin, nmax))
    tmax, tmin, _, _ = inv.temperatures()
    # The cells start at the scenario's temperature; sensors read within 2 C.
    if not facts["temperature"] - 2 <= tmin <= tmax <= facts["temperature"] + 2:
        fail("0x4240 cell temperatures %.1f..%.1f C" % (tmin, tmax))
    mvmax, mvmin, mnmax, mnmin = inv.modules()
    if not 16 * 3.25 <= mvmin <= mvmax <= 16 * 3.35 or not 1 <= mnmax <= n or not 1 <= mnmin <= n:
        fail("0x4260 modules %.3f..%.3f V (#%d, #%d)" % (mvmin, mvmax, mnmin, mnmax))
    mtmax, mtmin, _, _ = inv.module_temperatures()
    if not facts["temperature"] - 2 <= mtmin <= mtmax <= facts["temperature"] + 2:
        fail("0x4270 module temperatures %.1f..%.1f C" % (mtmin, mtmax))
    basic, cycles, error, alarm, protection = inv.status()
    # 2.4: state 3 = idle (no current), 1 charge, 2 discharge, 0 sleep.
    if basic & 0x07 != 3 or error or alarm or protection or basic & 0x08:
        fail("0x4250 at rest: %s (idle, no force charge, error, alarm or protection expected)" %
             inv.last[0x4250].hex(" "))
    if inv.last[0x4290][0] != 0:
        fail("0x4290 fault extension flags %02X at rest" % inv.last[0x4290][0])
    # 2.3: 0x7320 cells, modules in series, cells per module, voltage level, Ah.
    ncells, nmod, per_module, level, ah = struct.unpack("<HBBHH", inv.last[0x7320])
    if (ncells, nmod, per_module, ah) != (cells, n, 16, 50) or abs(level - nominal) > 1:
        fail("0x7320 %s: expected %d cells, %d modules of 16, %.0f V, 50 Ah" %
             (inv.last[0x7320].hex(" "), cells, n, nominal))
    name = (inv.last[0x7330] + inv.last[0x7340]).rstrip(b"\0 ")
    if not name or not all(0x20 <= c < 0x7F for c in name):
        fail("0x7330/0x7340 manufacturer %r is not ASCII" % name)
    # 2.2: 0x8250 byte 0 = 0xAA, the battery will keep its relay on without the
    # PCS (the path is closed and nothing is raised), 0x00 it won't.
    if inv.last[0x8250][0] != 0xAA:
        fail("0x8250 %s: masking refused at rest" % inv.last[0x8250].hex(" "))
    print("ok at rest: %.1f V, %.1f A, SOC %d %%; limits %.1f V / %.1f V, %.1f A / %.1f A; cells %d..%d mV; %s"
          % (v, i, soc, cv, dv, ci, di, vmin, vmax, name.decode()), flush=True)

    # The scenario's sensor reads -12 C: below -10 C the battery could not
    # charge (manual 8.1 a), it may still discharge down to -20 C (8.1 b).
    # Allow the 2 s debounce, a 1 s conversion, the poll period and margin.
    cold = facts["fault_value"]
    inv.wait_for("no charge protection, charge forbidden and a 0 A charge limit with the sensor at %.0f C" % cold,
                 lambda: inv.status()[4] & CHARGE_CELL_LOW_TEMP and inv.forbidden()[0] == 0xAA
                 and inv.limits()[2] == 0.0,
                 fault_at + 8)
    basic, cycles, error, alarm, protection = inv.status()
    if not alarm & CHARGE_CELL_LOW_TEMP:
        fail("0x4250 alarm word %04X: no charge cell low temperature alarm beside the protection" % alarm)
    # By 2.4 and the manual (discharge allowed down to -20 C) only bit 4,
    # "charge cell low temp", is set; bit 6 (discharge) or any other is a failure.
    if protection & 0x0FFF != CHARGE_CELL_LOW_TEMP:
        fail("0x4250 protection word %04X: expected charge cell low temperature alone" % protection)
    if alarm & DISCHARGE_CELL_LOW_TEMP:
        fail("0x4250 alarm word %04X: discharge cell low temperature at %.0f C" % (alarm, cold))
    _, _, ci, di = inv.limits()
    if inv.forbidden()[1] != 0 or not 0 < di <= 30.0:
        fail("discharge should still be allowed at %.0f C: 0x4280 %s, limit %.1f A" %
             (cold, inv.last[0x4280].hex(" "), di))
    tmax, tmin, _, nmin = inv.temperatures()
    if abs(tmin - cold) > 1.0:
        fail("0x4240 min cell temperature %.1f C, the sensor reads %.0f C" % (tmin, cold))
    _, mtmin, _, mnmin = inv.module_temperatures()
    if abs(mtmin - cold) > 1.0 or mnmin != facts["fault_module"]:
        fail("0x4270 coldest module %d at %.1f C, expected module %d at %.0f C" %
             (mnmin, mtmin, facts["fault_module"], cold))
    print("ok at %.0f C: charge forbidden, discharge limit %.1f A, alarm %04X protection %04X"
          % (cold, di, alarm, protection))
    inv.check_formats(EXTENDED)
