#!/usr/bin/python3
"""A Pylontech RS485 master (the PCS) reads a served GTX5000 on its RS485 pins.

`stacksim serve pylon-rs485.json --bus pcs485=pty:PATH`: this script opens
PATH as a serial port and is the inverter polling the battery in the
Pylontech RS485 ASCII protocol. It is written from
/work/shared/reference/protocols.md section 5 alone, not from stacksim's
C++: '~', VER ADR CID1 CID2 LENGTH INFO CHKSUM as hex ASCII, CR; LCHKSUM the
two's complement mod 16 of LENID's nibbles, CHKSUM the two's complement mod
65536 of the characters between '~' and CHKSUM; the master battery at
address 2.

It reads 0x42 (analog values), 0x44 (alarm info) and 0x92 (charge and
discharge management) and checks them against the scenario and the GTX5000
manual: 16 cells at the open-circuit voltage of 50 % SOC (models/cells, the
100 Ah cell, at rest) within the hysteresis half gap and the front end's
accuracy, sensors near 25 C, no current, 100 Ah with half of it left, no
alarm; charge voltage 55.68-56.16 V, discharge cut-off 45.6 V, 50 A charge
and 75 A discharge (manual section 3), charge and discharge enabled. Then:
a frame for address 3 goes unanswered, a bad CHKSUM is answered RTN 02, an
unknown CID2 RTN 04, and 0x4F answers VER 0x20. SIGINT ends the server; the
summary counts the line's traffic and rs485-pcs485.log holds it.

Usage: pylon_rs485_master_test.py STACKSIM DATA_DIR SCENARIO OUT_DIR
Needs python3-serial: exits 77 (skipped) without it, 1 when CI=true.
"""
import json
import os
import shutil
import sys
import time


from rs485_harness import fail, interp, serial, start_serve, stop_serve


# --- the protocol, from protocols.md 5.1 -------------------------------------

VER, MASTER_BATTERY, CID1 = 0x20, 0x02, 0x46


def lchksum(lenid):
    return (-((lenid & 0xF) + ((lenid >> 4) & 0xF) + ((lenid >> 8) & 0xF))) & 0xF


def chksum(text):
    return (-sum(text.encode("ascii"))) & 0xFFFF


def request(cid2, info=b"", adr=MASTER_BATTERY, ver=VER):
    lenid = 2 * len(info)
    body = "%02X%02X%02X%02X%04X" % (ver, adr, CID1, cid2, lchksum(lenid) << 12 | lenid) + info.hex().upper()
    return ("~" + body + "%04X" % chksum(body) + "\r").encode("ascii")


def decode(raw):
    """(ver, adr, cid1, rtn, info) of an answer whose checksums hold; fails otherwise."""
    text = raw.decode("ascii")
    if not (text.startswith("~") and text.endswith("\r")):
        fail("not a frame: %r" % raw)
    body = text[1:-1]
    if chksum(body[:-4]) != int(body[-4:], 16):
        fail("CHKSUM wrong in %r" % raw)
    length = int(body[8:12], 16)
    lenid = length & 0x0FFF
    if length >> 12 != lchksum(lenid) or lenid != len(body) - 16:
        fail("LENGTH wrong in %r" % raw)
    return (int(body[0:2], 16), int(body[2:4], 16), int(body[4:6], 16), int(body[6:8], 16),
            bytes.fromhex(body[12:-4]))


class Master:
    def __init__(self, port):
        self.port = port
        self.answers = 0

    def ask(self, frame, timeout_s=0.5):
        """Sends a request; the raw answer up to CR, or None."""
        self.port.write(frame)
        self.port.flush()
        buf = b""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            buf += self.port.read(512)
            if b"\r" in buf:
                self.answers += 1
                return buf[buf.index(b"~"):buf.index(b"\r") + 1]
        return None

    def command(self, cid2, info=b""):
        raw = self.ask(request(cid2, info))
        if raw is None:
            fail("no answer to CID2 %#x" % cid2)
        ver, adr, cid1, rtn, data = decode(raw)
        if (ver, adr, cid1, rtn) != (VER, MASTER_BATTERY, CID1, 0x00):
            fail("answer to %#x: VER %#x ADR %#x CID1 %#x RTN %#x" % (cid2, ver, adr, cid1, rtn))
        return data


def u16(b, at):
    return b[at] << 8 | b[at + 1]


def s16(b, at):
    v = u16(b, at)
    return v - 0x10000 if v & 0x8000 else v


def analog(data):
    """0x42 INFO (protocols.md 5.2) as a dict."""
    at = 2  # DATAFLAG, command
    m = data[at]
    cells = [u16(data, at + 1 + 2 * i) for i in range(m)]
    at += 1 + 2 * m
    n = data[at]
    kelvin = [u16(data, at + 1 + 2 * i) for i in range(n)]
    at += 1 + 2 * n
    out = {"command": data[1], "cells": cells, "temps_C": [(k - 2731) / 10 for k in kelvin],
           "current_A": s16(data, at) / 10, "voltage_mV": u16(data, at + 2),
           "remaining_mAh": u16(data, at + 4), "count": data[at + 6], "total_mAh": u16(data, at + 7),
           "cycles": u16(data, at + 9)}
    at += 11
    if out["count"] == 4:
        out["remaining_mAh"] = data[at] << 16 | u16(data, at + 1)
        out["total_mAh"] = data[at + 3] << 16 | u16(data, at + 4)
        at += 6
    if at != len(data):
        fail("0x42 INFO of %d bytes, expected %d" % (len(data), at))
    return out


def main():
    stacksim, data_dir, scenario, out = sys.argv[1:5]
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    path = os.path.join(out, "pcs485")
    proc = start_serve(stacksim, data_dir, [scenario, "--bus", "pcs485=pty:" + path], out, "pty")
    try:
        port = serial.Serial(path, 115200, timeout=0.02)
        port.reset_input_buffer()
        pcs = Master(port)

        # The pack starts with the operator's 3.5 s press: wait until it
        # allows current (0x92), as an inverter waits before it charges.
        deadline = time.monotonic() + 20
        while True:
            mgmt = pcs.command(0x92, bytes([MASTER_BATTERY]))
            if u16(mgmt, 5) > 0 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        charge_mV, discharge_mV = u16(mgmt, 1), u16(mgmt, 3)
        charge_A, discharge_A, status = u16(mgmt, 5) / 10, u16(mgmt, 7) / 10, mgmt[9]
        print("0x92: %.2f V / %.2f V, %.1f A / %.1f A, status %#04x"
              % (charge_mV / 1000, discharge_mV / 1000, charge_A, discharge_A, status))
        if len(mgmt) != 10 or mgmt[0] != MASTER_BATTERY:
            fail("0x92 INFO %r" % mgmt)
        if not 55680 <= charge_mV <= 56160 or discharge_mV != 45600:
            fail("0x92 voltages %d / %d mV; the manual: charge 55.68-56.16 V, discharge to 45.6 V"
                 % (charge_mV, discharge_mV))
        if charge_A != 50.0 or discharge_A != 75.0:
            fail("0x92 limits %.1f / %.1f A; the manual: 50 A charge, 75 A discharge" % (charge_A, discharge_A))
        if status & 0xC0 != 0xC0 or status & 0x30:
            fail("0x92 status %#04x: expected charge and discharge enabled, no force charge at 50 %%" % status)

        a = analog(pcs.command(0x42, bytes([MASTER_BATTERY])))
        cell = json.load(open(os.path.join(data_dir, "models/cells/lfp-prismatic-100ah.json")))
        hw = json.load(open(os.path.join(data_dir, "models/hardware/gtx5000.json")))
        afe = hw["boards"]["pack"]["cell_front_end"]
        ocv = cell["ocv"]
        expected_mV = interp(ocv["soc"], ocv["mean_V"], 0.5) * 1000
        tolerance_mV = (interp(ocv["half_gap"]["soc"], ocv["half_gap"]["V"], 0.5) * 1000
                        + 3 * (afe["gain_sigma"]["value"] * expected_mV + afe["offset_sigma_mV"]["value"]
                               + afe["noise_sigma_mV"]["value"]) + afe["lsb_mV"]["value"])
        print("0x42: %r; expected cells %.1f +- %.1f mV" % (a, expected_mV, tolerance_mV))
        if a["command"] != MASTER_BATTERY or len(a["cells"]) != 16 or len(a["temps_C"]) != 5:
            fail("0x42: expected the command byte 2, 16 cells and 5 temperatures (BMS board, 4 sensors)")
        for i, v in enumerate(a["cells"]):
            if abs(v - expected_mV) > tolerance_mV:
                fail("cell %d reads %d mV, not the OCV at 50 %% SOC (%.1f +- %.1f mV)" % (i + 1, v, expected_mV,
                                                                                         tolerance_mV))
        if abs(a["voltage_mV"] - sum(a["cells"])) > 16 * tolerance_mV:
            fail("module voltage %d mV against the cells' sum %d mV" % (a["voltage_mV"], sum(a["cells"])))
        if not all(20 <= t <= 30 for t in a["temps_C"][1:]) or not 15 <= a["temps_C"][0] <= 60:
            fail("temperatures %r C at a 25 C ambient" % a["temps_C"])
        if abs(a["current_A"]) > 0.5:
            fail("current %.1f A at rest" % a["current_A"])
        # 100 Ah is above 65 Ah: the 3-byte capacities (user-defined count 4).
        if a["count"] != 4 or not 95000 <= a["total_mAh"] <= 101000:
            fail("capacity count %d, total %d mAh; expected 4 and about 100 Ah" % (a["count"], a["total_mAh"]))
        if not 0.45 <= a["remaining_mAh"] / a["total_mAh"] <= 0.55:
            fail("remaining %d of %d mAh at 50 %% SOC" % (a["remaining_mAh"], a["total_mAh"]))

        alarms = pcs.command(0x44, bytes([MASTER_BATTERY]))
        m = alarms[2]
        n = alarms[3 + m]
        states = alarms[3:3 + m] + alarms[4 + m:4 + m + n] + alarms[4 + m + n:7 + m + n]
        status = alarms[7 + m + n:]
        print("0x44: cells %d, sensors %d, states %s, status %s" % (m, n, states.hex(), status.hex()))
        if m != 16 or n != 5 or len(status) != 5:
            fail("0x44 INFO %r" % alarms)
        if any(states) or status[0] or status[3] or status[4]:
            fail("0x44 reports an alarm at rest: %r" % alarms)
        if status[1] & 0x06 != 0x06:
            fail("0x44 status 2 %#04x: the charge and discharge MOSFETs should be on" % status[1])

        # Addressing and return codes.
        if pcs.ask(request(0x42, bytes([0x03]), adr=0x03), timeout_s=0.3) is not None:
            fail("a frame for address 3 was answered")
        bad = bytearray(request(0x42, bytes([MASTER_BATTERY])))
        bad[-2] = ord("0") if bad[-2] != ord("0") else ord("1")
        raw = pcs.ask(bytes(bad))
        if raw is None or decode(raw)[3] != 0x02:
            fail("a bad CHKSUM was not answered RTN 02: %r" % raw)
        raw = pcs.ask(request(0x99))
        if raw is None or decode(raw)[3] != 0x04:
            fail("an unknown CID2 was not answered RTN 04: %r" % raw)
        raw = pcs.ask(request(0x4F, ver=0x35))
        if raw is None or decode(raw)[:4] != (0x20, MASTER_BATTERY, CID1, 0x00):
            fail("0x4F answer %r" % raw)
        answers = pcs.answers
        port.close()
    finally:
        stop_serve(proc)
    summary = json.load(open(os.path.join(out, "run", "summary.json")))
    buses = summary["serve"]["buses"]
    if len(buses) != 1 or buses[0]["bus"] != "pcs485" or buses[0]["frames_out"] < answers:
        fail("serve.buses: %r (answers read %d)" % (buses, answers))
    with open(os.path.join(out, "run", "rs485-pcs485.log")) as log:
        if sum(1 for l in log if "pack1" in l) < answers:
            fail("rs485-pcs485.log lacks the battery's answers")
    print("ok: %d answers, serve.buses %r" % (answers, buses[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
