"""A Growatt-LV inverter on any python-can bus, for the `stacksim serve` tests.

Written from the protocol reference (/work/shared/reference/protocols.md
section 4.1, Growatt BMS CAN-Bus protocol low voltage V1.04 [GWLV]), not from
stacksim's C++: 11-bit ids, big-endian ("high byte at low address"); the
inverter sends 0x301 every second (the reference's example content
11 22 33 44 55 66 77 88) and the battery answers with 0x311..0x321 (0x315..0x318,
the cell voltages, for a single pack only).

The numbers it checks come from the 6.5 kWh manual (products.md, technical
data 2.4) and the scenario tests/serve/lfp65-hot-sensor.json: a 6.5 kWh
2P16S pack, whose default profile is growatt-lv (the GBLI 6532, 4.2).
"""
import struct

from serve_harness import CanInverter, can, fail

SPEED = 4.0
SERVER_ARGS = ()
PCS_IDS = (0x301,)
EXTENDED = False  # 4.1: standard frames

ANSWER = (0x311, 0x312, 0x313, 0x314, 0x315, 0x316, 0x317, 0x318, 0x319, 0x320, 0x321)

# 0x311 status word (bits 0-11)
STANDBY = 0b01  # bits 0-1: 00 soft start, 01 standby, 10 charging, 11 discharging
ERROR_VALID, SLEEP, DISCHARGE_ENABLED, CHARGE_ENABLED, TERMINAL_OPEN = 1 << 2, 1 << 4, 1 << 5, 1 << 6, 1 << 7
# 0x312 bytes 1 (protection) and 3 (alarm): UTC 4, UTD 5, OTC 6, OTD 7
OTC, OTD = 1 << 6, 1 << 7
# 0x319 byte 0
CHARGE_ENABLE, DISCHARGE_ENABLE, FORCE_CHARGE_I, FORCE_CHARGE_II = 1 << 7, 1 << 6, 1 << 5, 1 << 4


class GrowattLvInverter(CanInverter):
    def frames(self):
        return [can.Message(arbitration_id=0x301, is_extended_id=False,
                            data=bytes([0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]))]

    def limits(self):
        """0x311: charge voltage 0.1 V, charge / discharge current limit 0.1 A, status word."""
        cv, ci, di, status = struct.unpack(">HHHH", self.last[0x311])
        return cv / 10, ci / 10, di / 10, status

    def measurements(self):
        """0x313: voltage 0.01 V, current 0.1 A, max cell temperature 0.1 C, SOC %, SOH (bit 7 the flag)."""
        v, i, t, soc, soh = struct.unpack(">hhhBB", self.last[0x313])
        return v / 100, i / 10, t / 10, soc, soh

    def capacity(self):
        """0x314: remaining and full charge capacity (10 mAh), delta V (mV), cycles."""
        rm, fcc, dv, cycles = struct.unpack(">HHHH", self.last[0x314])
        return rm / 100, fcc / 100, dv, cycles

    def cells(self):
        return [c for k in (0x315, 0x316, 0x317, 0x318) for c in struct.unpack(">HHHH", self.last[k])]

    def request(self):
        """0x319: request & type byte, max / min cell mV, their numbers, protect pack ID."""
        return struct.unpack(">BHHBBB", self.last[0x319])

    def clock(self):
        """0x320 bytes 4-7: seconds 0-5, minutes 6-11, hours 12-16, day 17-21, month 22-25, year - 2000 26-31."""
        w = struct.unpack(">I", self.last[0x320][4:8])[0]
        return (2000 + (w >> 26), (w >> 22) & 0xF, (w >> 17) & 0x1F, (w >> 12) & 0x1F, (w >> 6) & 0x3F, w & 0x3F)


def check(inv, facts):
    fault_at, hot = facts["fault_at"], facts["fault_value"]
    # At rest: wait for a whole answer with both directions enabled.
    inv.wait_for("no whole answer to 0x301 with charge and discharge enabled",
                 lambda: all(k in inv.last for k in ANSWER)
                 and inv.request()[0] & (CHARGE_ENABLE | DISCHARGE_ENABLE) == CHARGE_ENABLE | DISCHARGE_ENABLE,
                 fault_at - 1)
    inv.check_before(fault_at)
    cv, ci, di, status = inv.limits()
    # 6.5 kWh manual 2.4: operating voltage 48-57.6 V (the 56.8 V charge
    # voltage is the firmware's choice within it); standard charging current
    # 64 A at 25 C and max charging power 3.5 kW (68.4 A at 51.2 V); rated
    # discharging power 3.3 kW (64.5 A) and 85 A continual max discharge.
    if not 48.0 < cv <= 57.6:
        fail("0x311 charge voltage %.1f V outside 48-57.6 V" % cv)
    if not 64.0 <= ci <= 3500 / 51.2:
        fail("0x311 charge current limit %.1f A outside 64-68.4 A" % ci)
    if not 64.0 <= di <= 85.0:
        fail("0x311 discharge current limit %.1f A outside 64-85 A" % di)
    wanted = STANDBY | DISCHARGE_ENABLED | CHARGE_ENABLED
    if status & (0x3 | ERROR_VALID | SLEEP | DISCHARGE_ENABLED | CHARGE_ENABLED | TERMINAL_OPEN | 0x300) != wanted:
        fail("0x311 status %04X: expected standby, both outputs enabled, no error, single box" % status)
    p = inv.last[0x312]
    # 0x312: protection and alarm bytes clear; one pack; 16 cells: the 2P16S
    # pack's 16 series groups, as many as 0x315..0x318 carry.
    if p[:4] != bytes(4) or p[4] != 1 or p[7] != 16:
        fail("0x312 %s: expected no flag, 1 pack, 16 cells" % p.hex(" "))
    if not all(0x41 <= c <= 0x5A for c in p[5:7]):
        fail("0x312 manufacturer code %r" % p[5:7])
    v, i, t, soc, soh = inv.measurements()
    if not 16 * 3.25 <= v <= 16 * 3.35:
        fail("0x313 voltage %.2f V for 16 cells at rest (3.25-3.35 V each)" % v)
    if abs(i) > 1.0 or abs(t - facts["temperature"]) > 2:
        fail("0x313 current %.1f A, max cell temperature %.1f C at rest" % (i, t))
    if abs(soc - facts["soc"]) > 1 or soh != 100:
        fail("0x313 SOC %d, SOH byte %02X: expected %d %%, 100 %% without the flag" % (soc, soh, facts["soc"]))
    rm, fcc, delta, cycles = inv.capacity()
    # Manual 2.4: 128 Ah nominal, 118 Ah usable.
    if not 118 <= fcc <= 128 or abs(rm - fcc * facts["soc"] / 100) > 2:
        fail("0x314 RM %.2f Ah / FCC %.2f Ah at %d %%" % (rm, fcc, soc))
    cells = inv.cells()
    req, vmax, vmin, nmax, nmin, faulty = inv.request()
    # The cells' frames and 0x319 may come from different answers (a lost
    # frame), so allow the few mV of noise between two readings.
    if not all(3250 <= c <= 3350 for c in cells) or abs(vmax - max(cells)) > 3 or abs(vmin - min(cells)) > 3:
        fail("cells %s mV, 0x319 max %d min %d" % (cells, vmax, vmin))
    if not 1 <= nmax <= 16 or not 1 <= nmin <= 16 or abs(cells[nmax - 1] - vmax) > 3 or abs(cells[nmin - 1] - vmin) > 3:
        fail("0x319 cell numbers %d / %d do not point at %d / %d mV in %s" % (nmax, nmin, vmax, vmin, cells))
    if abs(delta - (vmax - vmin)) > 3 or delta > 20:
        fail("0x314 delta V %d mV, cells %d..%d mV" % (delta, vmin, vmax))
    # 0x319 byte 0: no force charge at 50 %; bits 0-1 chemistry 00 = LFP.
    if req & (FORCE_CHARGE_I | FORCE_CHARGE_II | 0x03) or faulty != 0:
        fail("0x319 %s: expected no force charge, LFP, no faulty pack" % inv.last[0x319].hex(" "))
    # 0x320: the scenario starts at 2026-01-01 00:00:00 (the default), so the
    # battery's clock reads a few seconds after midnight.
    maker, hw, sw = inv.last[0x320][:2], inv.last[0x320][2], inv.last[0x320][3]
    when = inv.clock()
    if not all(0x41 <= c <= 0x5A for c in maker) or not 1 <= hw <= 9 or not 1 <= sw <= 9:
        fail("0x320 %s: manufacturer in capitals, versions 1-9" % inv.last[0x320].hex(" "))
    if when[:5] != (2026, 1, 1, 0, 0) or when[5] > fault_at + 1:
        fail("0x320 date/time %04d-%02d-%02d %02d:%02d:%02d, expected 2026-01-01 00:00:<%d" % (when + (fault_at,)))
    if inv.last[0x321][:4] != bytes(4):
        fail("0x321 %s: no update under way" % inv.last[0x321].hex(" "))
    print("ok at rest: %.2f V, %.1f A, SOC %d %%, %.2f/%.2f Ah; limits %.1f V, %.1f A / %.1f A; cells %d..%d mV; "
          "%s %04d-%02d-%02d %02d:%02d:%02d" % ((v, i, soc, rm, fcc, cv, ci, di, vmin, vmax, maker.decode()) + when),
          flush=True)

    # The scenario's sensor reads 50 C, above the manual's operating range
    # (-10-45 C, 2.4; the troubleshooting table names "level three high
    # temperature charge" and "discharge" protections): both directions stop.
    # Allow the 2 s debounce, a 1 s conversion, the poll period and margin.
    inv.wait_for("no OTC/OTD protection with both current limits at 0 A at %.0f C" % hot,
                 lambda: inv.last[0x312][1] & (OTC | OTD) == OTC | OTD
                 and inv.limits()[1:3] == (0.0, 0.0) and abs(inv.measurements()[2] - hot) <= 1,
                 fault_at + 8)
    p = inv.last[0x312]
    if p[3] & (OTC | OTD) != OTC | OTD:
        fail("0x312 byte 3 %02X: no OTC / OTD alarm beside the protections" % p[3])
    _, _, _, status = inv.limits()
    if status & (CHARGE_ENABLED | DISCHARGE_ENABLED) or not status & ERROR_VALID:
        fail("0x311 status %04X at %.0f C: outputs should be disabled and the error byte valid" % (status, hot))
    req = inv.request()[0]
    if req & (CHARGE_ENABLE | DISCHARGE_ENABLE):
        fail("0x319 byte 0 %02X at %.0f C: charge and discharge should be disabled" % (req, hot))
    print("ok at %.0f C: 0x311 %s, 0x312 %s, 0x313 %s, 0x319 %s" % (
        hot, inv.last[0x311].hex(" "), p.hex(" "), inv.last[0x313].hex(" "), inv.last[0x319].hex(" ")))
    inv.check_formats(EXTENDED)
