"""A Pylontech-LV inverter on any python-can bus, for the `stacksim serve` tests.

The inverter side is written from the Pylontech LV CAN reference
(../shared/reference/protocols.md section 1, [PYLV12]), not from stacksim's C++:
it sends the 0x305 keep-alive every second and decodes 0x351 / 0x355 / 0x356 /
0x359 / 0x35C / 0x35E by their byte layouts. The numbers it checks come from the
GTX5000 manual (products.md) and the scenario tests/serve/hot-sensor.json.

Importing this module needs python3-can (Debian's, under /usr/bin/python3):
without it the test exits 77 (skipped), or 1 when CI=true.
"""
import struct
import time

from serve_harness import can, fail, stop_server  # noqa: F401 (re-exported for the tests that import them from here)
import serve_harness

SPEED = 2.0  # simulated seconds per wall second


def start_server(stacksim, data, scenario, out, spec):
    """`stacksim serve` with the PCS bus on `spec` at SPEED; returns it and its first stderr line."""
    return serve_harness.start_server(stacksim, data, scenario, out, spec, SPEED)


class Inverter:
    """What a Pylontech-LV inverter reads, by the reference's byte layouts."""

    def __init__(self, bus):
        self.bus = bus
        self.last = {}
        self.next_keepalive = 0.0

    def poll(self, seconds):
        end = time.time() + seconds
        while time.time() < end:
            if time.time() >= self.next_keepalive:
                self.bus.send(can.Message(arbitration_id=0x305, data=bytes(8), is_extended_id=False))
                self.next_keepalive = time.time() + 1.0
            m = self.bus.recv(0.1)
            if m is not None:
                self.last[m.arbitration_id] = bytes(m.data)

    def limits(self):
        cvl, ccl, dcl, dvl = struct.unpack("<HhhH", self.last[0x351])
        return cvl / 10, ccl / 10, dcl / 10, dvl / 10

    def flags(self):
        return self.last[0x35C][0]

    def protection(self):
        return self.last[0x359][0]


def check_start(inv):
    """The battery after start-up, at 25 C and 50 % SOC."""
    # Start-up (press, LED sweep, start) takes about 7 s simulated.
    inv.poll(8.0 / SPEED * 2)
    for ident in (0x351, 0x355, 0x356, 0x359, 0x35C, 0x35E):
        if ident not in inv.last:
            fail("no 0x%03X from the battery; got %s" % (ident, sorted(hex(k) for k in inv.last)))
    if inv.last[0x35E] != b"PYLON   ":
        fail("0x35E: %r" % inv.last[0x35E])
    cvl, ccl, dcl, dvl = inv.limits()
    # GTX5000 manual, technical data (products.md): charge voltage
    # 55.68-56.16 V, charge 50 A, discharge 75 A max, 45.6 V minimum.
    if not 55.68 <= cvl <= 56.16:
        fail("charge voltage %.1f V outside 55.68-56.16 V" % cvl)
    if ccl != 50.0 or dcl != 75.0:
        fail("limits %.1f A / %.1f A, expected 50 A charge / 75 A discharge at 25 C, 50 %% SOC" % (ccl, dcl))
    if dvl != 45.6:
        fail("discharge voltage %.1f V, expected 45.6 V" % dvl)
    soc, soh = struct.unpack("<HH", inv.last[0x355][:4])
    if soc != 50 or soh != 100:
        fail("SOC/SOH %d/%d, expected 50/100" % (soc, soh))
    volts = struct.unpack("<h", inv.last[0x356][:2])[0] / 100
    # 16 cells at rest at 50 % SOC: the OCV plateau, 3.25-3.35 V each.
    if not 16 * 3.25 <= volts <= 16 * 3.35:
        fail("module voltage %.2f V" % volts)
    if inv.flags() & 0xC0 != 0xC0:
        fail("0x35C %02X: charge and discharge should be enabled" % inv.flags())


def check_hot_sensor(inv):
    """The reaction to the scenario's sensor reading 56 C from 20 s simulated."""
    # Allow 5 s simulated after it.
    inv.poll((25.0 - 8.0) / SPEED + 1.0)
    cvl, ccl, dcl, dvl = inv.limits()
    if ccl != 0.0:
        fail("charge current limit %.1f A after the sensor read 56 C" % ccl)
    if inv.flags() & 0x80:
        fail("charge still enabled (0x35C %02X) at 56 C" % inv.flags())
    if not inv.protection() & 0x08:
        fail("0x359 byte 0 %02X: no cell over-temperature protection" % inv.protection())
    if dcl <= 0.0:
        fail("discharge should still be allowed at 56 C (limit %.1f A)" % dcl)


def check_outputs(out):
    """summary.json says the run was stopped by the signal; the bus log is valid
    and holds the inverter's 0x305. Returns the bus's report."""
    return serve_harness.check_outputs(out, (0x305,))
