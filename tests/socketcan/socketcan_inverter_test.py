#!/usr/bin/python3
"""`stacksim serve --bus pcs=socketcan:vcan0` against can-utils and python-can.

Runs inside the UML guest (guest_steps.sh). One served run of
tests/serve/hot-sensor.json at 2x, and on vcan0 beside it:
- `candump -L vcan0` must see the battery's Pylontech LV frames (0x351 ...);
- `cansend` puts a keep-alive, an extended and a remote frame on vcan0, and
  each must be in the run's bus-pcs.log (they entered the simulated bus);
- error frames (as a controller driver would send them) move the reported
  controller state: error-passive, then error-active after a restart;
- python-can's `socketcan` interface is the inverter of
  tests/serve/pylon_lv_inverter.py (written from the Pylontech LV reference):
  limits, SOC and flags after start-up, then the reaction to the hot sensor.

Usage: socketcan_inverter_test.py STACKSIM DATA_DIR SCENARIO OUT_DIR
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "serve"))
from pylon_lv_inverter import Inverter, can, check_hot_sensor, check_outputs, check_start, fail, start_server, \
    stop_server  # noqa: E402

IFACE = "vcan0"
# cansend's forms: standard data, extended data, standard remote.
SENT = ["305#0000000000000000", "18FF50E5#DEADBEEF", "123#R"]
# Error frames by linux/can/error.h: CAN_ERR_FLAG | CAN_ERR_CRTL with
# CAN_ERR_CRTL_TX_PASSIVE in data[1], then CAN_ERR_FLAG | CAN_ERR_RESTARTED.
ERRORS = ["20000004#0020000000000000", "20000100#0000000000000000"]


def main():
    stacksim, data, scenario, out = sys.argv[1:5]
    os.makedirs(out, exist_ok=True)
    dump_path = os.path.join(out, "candump.log")
    dump = subprocess.Popen(["candump", "-L", IFACE], stdout=open(dump_path, "w"), stderr=subprocess.PIPE)
    proc, line = start_server(stacksim, data, scenario, out, "socketcan:" + IFACE)
    if "bus on socketcan " + IFACE not in line:
        proc.kill()
        fail("the server's first line does not name the interface: %r" % line)
    try:
        for frame in SENT + ERRORS:
            subprocess.run(["cansend", IFACE, frame], check=True)
        inv = Inverter(can.Bus(interface="socketcan", channel=IFACE))
        check_start(inv)
        check_hot_sensor(inv)
        inv.bus.shutdown()
    finally:
        err = stop_server(proc)
        dump.terminate()
        dump.wait(timeout=10)

    for change in ("unknown -> error-passive", "error-passive -> error-active"):
        if "socketcan %s: %s" % (IFACE, change) not in err:
            fail("no '%s' on stderr: %r" % (change, err[-2000:]))
    bus = check_outputs(out)
    if bus.get("error_frames") != len(ERRORS) or bus.get("controller_state") != "error-active":
        fail("summary.json: error frames and controller state: %s" % bus)
    if bus["frames_out"] < 10 or bus["frames_dropped"] != 0:
        fail("summary.json: %s" % bus)

    # What candump saw: the battery's frames, by identifier.
    seen = set()
    for text in open(dump_path):
        m = re.match(r"\(\d+\.\d+\) \S+ ([0-9A-F]+)#", text)
        if m:
            seen.add(int(m.group(1), 16))
    for ident in (0x351, 0x355, 0x356, 0x359, 0x35C, 0x35E):
        if ident not in seen:
            fail("candump -L %s did not see 0x%03X; saw %s" % (IFACE, ident, sorted(hex(i) for i in seen)))
    # What cansend put on vcan0 entered the simulated bus, formats intact.
    log = open(os.path.join(out, "bus-pcs.log")).read()
    for frame in SENT:
        if " " + frame + "\n" not in log:
            fail("%s (sent with cansend) is not in bus-pcs.log" % frame)
    print("ok: candump saw %d identifiers; %s" % (len(seen), bus))


if __name__ == "__main__":
    main()
