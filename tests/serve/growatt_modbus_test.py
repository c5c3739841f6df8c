#!/usr/bin/python3
"""mbpoll and pymodbus read a served 6.5 kWh pack's Growatt Modbus RTU map.

socat makes a pty pair standing in for a USB-RS485 adapter and its cable;
`stacksim serve lfp65-modbus.json --bus pcs485=serial:END_A@9600` puts the
pack's RS485 pins toward the PCS on one end, and two Modbus masters read the
other: mbpoll (libmodbus) with function 03 and 04, then pymodbus. The map is
docs/pcs-protocols.md's status block 0x0010-0x0028 (protocols.md 4.4). The
numbers are checked against the scenario and the pack's model files: 50 %
SOC, 16 cells at the open-circuit voltage of 50 % SOC (the 64 Ah cell) within
the hysteresis half gap and the front end's accuracy, no current at rest,
128 Ah full, the charge voltage of models/firmware/lfp65.json, limits within
the manual's nominal and maximum currents. Then: exception 02 for a register
outside the map, 01 for an unknown function, the clock write (the PCS's
handshake) answered, and no answer for another slave address.

Usage: growatt_modbus_test.py STACKSIM DATA_DIR SCENARIO OUT_DIR
Needs socat, mbpoll, python3-pymodbus and python3-serial: exits 77 (skipped)
without them, 1 when CI=true.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time


from rs485_harness import fail, interp, need_tools, serial, skip, socat_pair, start_serve, stop_serve

try:
    from pymodbus.client import ModbusSerialClient
except ImportError as e:
    skip("python3-pymodbus is missing (%s)" % e)
need_tools("socat", "mbpoll")


FIRST, LAST, SLAVE = 0x0010, 0x0028, 1


def mbpoll(device, table):
    """The block read once by mbpoll: {register: value}."""
    r = subprocess.run(["mbpoll", "-m", "rtu", "-a", str(SLAVE), "-b", "9600", "-P", "none", "-d", "8", "-s", "1",
                        "-t", table, "-0", "-r", str(FIRST), "-c", str(LAST - FIRST + 1), "-1", "-o", "1", device],
                       capture_output=True, text=True, timeout=20)
    if r.returncode != 0:
        fail("mbpoll -t %s exited %d: %s%s" % (table, r.returncode, r.stdout, r.stderr))
    values = {int(m.group(1)): int(m.group(2)) for m in re.finditer(r"\[(\d+)\]:\s+(-?\d+)", r.stdout)}
    if sorted(values) != list(range(FIRST, LAST + 1)):
        fail("mbpoll read %r" % r.stdout)
    return values


def main():
    stacksim, data_dir, scenario, out = sys.argv[1:5]
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    end_a, end_b = os.path.join(out, "wire-a"), os.path.join(out, "wire-b")
    socat = socat_pair(end_a, end_b)
    spec = "serial:" + end_a + "@9600"
    try:
        proc = start_serve(stacksim, data_dir, [scenario, "--bus", "pcs485=" + spec], out, "serial")
    except BaseException:
        socat.terminate()
        raise
    try:
        client = ModbusSerialClient(port=end_b, baudrate=9600, timeout=1)
        if not client.connect():
            fail("pymodbus cannot open " + end_b)
        # The pack starts with the operator's press; wait until it allows charge.
        deadline = time.monotonic() + 20
        while True:
            rr = client.read_holding_registers(0x001A, 1, slave=SLAVE)
            if (not rr.isError() and rr.registers[0] > 0) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        if rr.isError():
            fail("pymodbus read 0x001A: %r" % rr)
        client.close()

        holding, inputs = mbpoll(end_b, "4"), mbpoll(end_b, "3")
        print("mbpoll 03: %r" % holding)
        # The registers that do not move at rest: measurements carry the front
        # end's noise, and the status word (0x14) follows the current's
        # direction, which flickers around zero while the DC link settles.
        steady = [0x11, 0x15, 0x16] + list(range(0x1A, 0x25))
        if any(holding[r] != inputs[r] for r in steady):
            fail("03 and 04 read different maps: %r / %r" % (holding, inputs))

        if not client.connect():
            fail("pymodbus cannot open " + end_b)
        rr = client.read_input_registers(FIRST, LAST - FIRST + 1, slave=SLAVE)
        if rr.isError():
            fail("pymodbus read: %r" % rr)
        reg = dict(zip(range(FIRST, LAST + 1), rr.registers))
        print("pymodbus 04: %r" % reg)
        signed = lambda v: v - 0x10000 if v & 0x8000 else v

        cell = json.load(open(os.path.join(data_dir, "models/cells/lfp-prismatic-64ah.json")))
        hw = json.load(open(os.path.join(data_dir, "models/hardware/lfp65.json")))
        fw = json.load(open(os.path.join(data_dir, "models/firmware/lfp65.json")))["parameters"]
        afe = hw["boards"]["pack"]["cell_front_end"]
        ocv = cell["ocv"]
        expected_mV = interp(ocv["soc"], ocv["mean_V"], 0.5) * 1000
        tolerance_mV = (interp(ocv["half_gap"]["soc"], ocv["half_gap"]["V"], 0.5) * 1000
                        + 3 * (afe["gain_sigma"]["value"] * expected_mV + afe["offset_sigma_mV"]["value"]
                               + afe["noise_sigma_mV"]["value"]) + afe["lsb_mV"]["value"])
        print("expected cells %.1f +- %.1f mV" % (expected_mV, tolerance_mV))
        if not 48 <= reg[0x16] <= 52:
            fail("SOC %d %%, the scenario starts at 50 %%" % reg[0x16])
        for r in (0x25, 0x26):
            if abs(reg[r] - expected_mV) > tolerance_mV:
                fail("cell register %#06x reads %d mV, not the OCV at 50 %% SOC" % (r, reg[r]))
        if not 1 <= reg[0x27] <= 16 or not 1 <= reg[0x28] <= 16:
            fail("cell numbers %d / %d" % (reg[0x27], reg[0x28]))
        if abs(reg[0x17] * 10 - 16 * expected_mV) > 16 * tolerance_mV:
            fail("voltage %d x 10 mV, 16 cells at %.1f mV" % (reg[0x17], expected_mV))
        if abs(signed(reg[0x18])) > 50 or abs(signed(reg[0x10])) > 50:
            fail("current %d x 10 mA at rest" % signed(reg[0x18]))
        if not 200 <= signed(reg[0x19]) <= 300:
            fail("temperature %d x 0.1 C at 25 C" % signed(reg[0x19]))
        charge_mA, discharge_mA = reg[0x1A] * 10, reg[0x1B] * 10
        if not fw["current.charge_nominal_mA"]["value"] <= charge_mA <= fw["current.charge_max_mA"]["value"]:
            fail("max charge current %d mA" % charge_mA)
        if not fw["current.discharge_nominal_mA"]["value"] <= discharge_mA <= fw["current.discharge_max_mA"]["value"]:
            fail("max discharge current %d mA" % discharge_mA)
        if reg[0x23] != reg[0x1B]:
            fail("0x0023 %d differs from 0x001B %d" % (reg[0x23], reg[0x1B]))
        if not 12000 <= reg[0x1D] <= 13000 or not 0.45 <= reg[0x1C] / reg[0x1D] <= 0.55:
            fail("RM / FCC %d / %d x 10 mAh; 128 Ah, half left" % (reg[0x1C], reg[0x1D]))
        if reg[0x21] * 10 != fw["pack.charge_mV"]["value"]:
            fail("CV voltage %d x 10 mV" % reg[0x21])
        if reg[0x15] or reg[0x22] or reg[0x24]:
            fail("error / warning / extended error set at rest: %#x %#x %#x" % (reg[0x15], reg[0x22], reg[0x24]))
        if reg[0x20] != 100:
            fail("SOH %d %%" % reg[0x20])

        rr = client.read_holding_registers(0x0000, 1, slave=SLAVE)
        if not rr.isError() or getattr(rr, "exception_code", None) != 2:
            fail("register 0x0000 outside the map: %r (expected exception 02)" % rr)
        rr = client.read_holding_registers(LAST, 2, slave=SLAVE)
        if not rr.isError() or getattr(rr, "exception_code", None) != 2:
            fail("a read past 0x0028: %r (expected exception 02)" % rr)
        rr = client.write_registers(0x0011, [26 << 8 | 1, 2 << 8 | 3, 4 << 8 | 5], slave=SLAVE)
        if rr.isError():
            fail("the clock write (handshake): %r" % rr)
        rr = client.write_register(0x0016, 1, slave=SLAVE)
        if not rr.isError() or getattr(rr, "exception_code", None) != 2:
            fail("a write to SOC: %r (expected exception 02)" % rr)
        client.close()

        # Raw: an unknown function, and another slave's request.
        port = serial.Serial(end_b, 9600, timeout=0.5)
        port.reset_input_buffer()

        def crc(data):
            c = 0xFFFF
            for b in data:
                c ^= b
                for _ in range(8):
                    c = (c >> 1) ^ 0xA001 if c & 1 else c >> 1
            return bytes([c & 0xFF, c >> 8])

        for pdu, expected in ((bytes([SLAVE, 0x2B, 0x0E, 0x01, 0x00]), bytes([SLAVE, 0xAB, 0x01])),
                              (bytes([0x05, 0x03, 0x00, 0x10, 0x00, 0x01]), b"")):
            port.write(pdu + crc(pdu))
            got = port.read(64)
            want = expected + crc(expected) if expected else b""
            if got != want:
                fail("request %s answered %s, expected %s" % (pdu.hex(), got.hex(), want.hex()))
        port.close()
    finally:
        stop_serve(proc, socat)
    summary = json.load(open(os.path.join(out, "run", "summary.json")))
    buses = summary["serve"]["buses"]
    if len(buses) != 1 or buses[0]["bus"] != "pcs485" or buses[0]["spec"] != spec or buses[0]["frames_in"] < 8:
        fail("serve.buses: %r" % buses)
    print("ok: serve.buses %r" % buses[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
