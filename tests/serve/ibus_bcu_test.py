#!/usr/bin/python3
"""A real BCU (master BMS) on a pty or a serial port reads simulated GTX3000 modules.

`stacksim serve gtx3000-h4 --external string1/bcu --bus string1/internal=SPEC`:
the simulated BCU runs no firmware, and this script is the BCU on the string's
internal RS485 bus. It is written from docs/internal-bus.md alone, not from
stacksim's C++: frames 0x7E, address, function, length, payload, CRC-16/MODBUS
(poly 0xA001 reflected, init 0xFFFF) over address..payload, low byte first.
Like a real master it codes the modules first (reset address, assign 1 until
answered), then polls module 1 and checks its report: 16 cells whose voltages
fit the open-circuit voltage of the system's 50 % SOC (models/cells, the
GTX3000's 50 Ah cell, at rest) within the hysteresis half gap plus the front
end's accuracy (models/hardware/gtx3000.json), 4 sensors near the 25 C
ambient. It also checks a corrupted poll goes unanswered, that nothing else
talks on the line (the simulated BCU is silent), and the summary's counts.

Modes:
  pty     stacksim makes the pty (--bus string1/internal=pty:PATH)
  serial  socat makes a pty pair; stacksim opens one end as a serial port
          (--bus string1/internal=serial:END_A@115200), this script the other

Usage: ibus_bcu_test.py pty|serial STACKSIM DATA_DIR OUT_DIR
Needs python3-serial (and socat for serial): exits 77 (skipped) without
them, 1 when CI=true.
"""
import json
import os
import shutil
import sys
import time


from rs485_harness import fail, interp, serial, socat_pair, start_serve, stop_serve


# --- the protocol, from docs/internal-bus.md ---------------------------------

START, MASTER, BROADCAST = 0x7E, 0xF0, 0xFF
POLL, REPORT, ASSIGN, ASSIGNED, RESET = 0x01, 0x81, 0x03, 0x83, 0x04


def crc16_modbus(data):
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def frame(address, function, payload=b""):
    body = bytes([address, function, len(payload)]) + bytes(payload)
    crc = crc16_modbus(body)
    return bytes([START]) + body + bytes([crc & 0xFF, crc >> 8])


def parse(data):
    """(address, function, payload) of one whole frame with a good CRC, else None."""
    if len(data) < 6 or data[0] != START or len(data) != 6 + data[3]:
        return None
    crc = crc16_modbus(data[1:-2])
    if data[-2] != crc & 0xFF or data[-1] != crc >> 8:
        return None
    return data[1], data[2], data[4:-2]


class Bcu:
    def __init__(self, port):
        self.port = port
        self.seen = []  # every frame read, for the silence check

    def request(self, f, timeout_s=0.25):
        """Sends f, returns the first whole frame read within timeout_s (or None)."""
        self.port.write(f)
        self.port.flush()
        buf = b""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            buf += self.port.read(256)
            # A frame is whole once its length byte says so.
            if len(buf) >= 4 and len(buf) >= 6 + buf[3]:
                got = buf[:6 + buf[3]]
                self.seen.append(got)
                return parse(got)
        if buf:
            self.seen.append(buf)
        return None


def ocv_at(cell, soc):
    o = cell["ocv"]
    xs, ys = o["soc"], o["mean_V"]
    for i in range(1, len(xs)):
        if soc <= xs[i]:
            return ys[i - 1] + (ys[i] - ys[i - 1]) * (soc - xs[i - 1]) / (xs[i] - xs[i - 1])
    return ys[-1]


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in ("pty", "serial"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, stacksim, data, out = sys.argv[1:]
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    socat = None
    if mode == "pty":
        client_path = os.path.join(out, "string1-internal")
        spec = "pty:" + client_path
    else:
        end_a, client_path = os.path.join(out, "wire-a"), os.path.join(out, "wire-b")
        socat = socat_pair(end_a, client_path)
        spec = "serial:" + end_a + "@115200"

    try:
        proc = start_serve(stacksim, data, ["gtx3000-h4", "--external", "string1/bcu", "--bus",
                                            "string1/internal=" + spec, "--duration", "10m"], out, mode)
    except BaseException:
        if socat is not None:
            socat.terminate()
        raise
    try:
        port = serial.Serial(client_path, 115200, timeout=0.02)
        port.reset_input_buffer()
        bcu = Bcu(port)

        # Coding, as a master does it: reset every address, then assign 1
        # until the module behind the BCU's ADR_OUT takes it (the boards need
        # a moment to power up after the breaker closes at 0 s).
        assigned = None
        deadline = time.monotonic() + 15
        while assigned is None and time.monotonic() < deadline:
            bcu.request(frame(BROADCAST, RESET), timeout_s=0.03)
            answer = bcu.request(frame(BROADCAST, ASSIGN, b"\x01"))
            if answer and answer[1] == ASSIGNED:
                assigned = answer
        if assigned is None:
            fail("no module answered 'assign 1' within 15 s")
        if assigned[0] != 0x01 or assigned[2] != b"\x01":
            fail("unexpected 'assigned' answer %r" % (assigned,))

        # A poll with a broken CRC is dropped: no answer.
        bad = bytearray(frame(0x01, POLL))
        bad[-1] ^= 0x5A
        if bcu.request(bytes(bad), timeout_s=0.1) is not None:
            fail("a poll with a bad CRC was answered")

        report = None
        deadline = time.monotonic() + 10
        while report is None and time.monotonic() < deadline:
            answer = bcu.request(frame(0x01, POLL))
            if answer and answer[1] == REPORT:
                report = answer
        if report is None:
            fail("module 1 did not answer its poll within 10 s")
        address, _, p = report
        if address != 0x01:
            fail("report from address %#x" % address)
        flags, cells = p[0], p[1]
        mV = [p[2 + 2 * i] | p[3 + 2 * i] << 8 for i in range(cells)]
        k = 2 + 2 * cells
        temps = p[k]
        dC = [int.from_bytes(p[k + 1 + 2 * i:k + 3 + 2 * i], "little", signed=True) for i in range(temps)]
        if len(p) != k + 1 + 2 * temps + 2 + 2:
            fail("report payload of %d bytes for %d cells, %d sensors" % (len(p), cells, temps))

        cell = json.load(open(os.path.join(data, "models/cells/lfp-prismatic-50ah.json")))
        hw = json.load(open(os.path.join(data, "models/hardware/gtx3000.json")))
        afe = hw["boards"]["module"]["cell_front_end"]
        half_gap = cell["ocv"]["half_gap"]
        expected_mV = ocv_at(cell, 0.5) * 1000
        # Hysteresis may sit on either branch; the front end: 3 sigma of gain,
        # offset and noise, plus one LSB.
        tolerance_mV = (interp(half_gap["soc"], half_gap["V"], 0.5) * 1000
                        + 3 * (afe["gain_sigma"]["value"] * expected_mV + afe["offset_sigma_mV"]["value"]
                               + afe["noise_sigma_mV"]["value"]) + afe["lsb_mV"]["value"])
        print("module 1: flags %#x, %d cells %s mV, %d sensors %s dC; expected %.1f +- %.1f mV"
              % (flags, cells, mV, temps, dC, expected_mV, tolerance_mV))
        if cells != 16 or temps != 4:
            fail("expected 16 cells and 4 sensors")
        if flags & 0x03:
            fail("front-end or sensor fault flagged: %#x" % flags)
        for i, v in enumerate(mV):
            if abs(v - expected_mV) > tolerance_mV:
                fail("cell %d reads %d mV, not the OCV at 50 %% SOC (%.1f +- %.1f mV)" % (i + 1, v, expected_mV, tolerance_mV))
        for t in dC:
            if not 200 <= t <= 300:
                fail("a sensor reads %.1f C at a 25 C ambient" % (t / 10))

        # Nobody else talks: a second of listening hears nothing (the
        # simulated BCU runs no firmware, the modules answer only polls).
        port.reset_input_buffer()
        time.sleep(1.0)
        stray = port.read(4096)
        if stray:
            fail("%d bytes on the line nobody asked for: %r" % (len(stray), stray[:32]))
        for f in bcu.seen:
            got = parse(f)
            if got is None or got[0] == MASTER:
                fail("a frame that is not a module's answer: %r" % f)
        requests = len(bcu.seen)
        port.close()
    finally:
        stop_serve(proc, socat)
    if mode == "pty" and os.path.lexists(client_path):
        fail("stacksim left its pty link behind")
    summary = json.load(open(os.path.join(out, "run", "summary.json")))
    buses = summary["serve"]["buses"]
    if len(buses) != 1 or buses[0]["bus"] != "string1/internal" or buses[0]["spec"] != spec:
        fail("serve.buses: %r" % buses)
    b = buses[0]
    if b["frames_in"] < 3 or b["frames_out"] < requests or b["frames_dropped"] or b["malformed"]:
        fail("serve.buses counts: %r (answers read %d)" % (b, requests))
    with open(os.path.join(out, "run", "firmware.log")) as log:
        if any("string1/bcu" in l for l in log):
            fail("the external BCU's firmware wrote to firmware.log")
    print("ok: %s, %d answers, serve.buses %r" % (mode, requests, b))
    return 0


if __name__ == "__main__":
    sys.exit(main())
