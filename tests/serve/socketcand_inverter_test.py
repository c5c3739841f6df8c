#!/usr/bin/python3
"""An inverter on python-can's socketcand interface against `stacksim serve`.

The inverter (pylon_lv_inverter.py, written from the Pylontech LV reference)
reads the served GTX5000's limits, SOC and flags and its reaction to the
scenario's hot sensor. Then it stops the server with SIGINT, which must end it
cleanly: exit 0, the summary written with stopped_by_signal, and the candump
log readable by python-can.

Usage: socketcand_inverter_test.py STACKSIM DATA_DIR SCENARIO OUT_DIR
Needs python3-can (Debian's, under /usr/bin/python3): exits 77 (skipped)
without it, 1 when CI=true.
"""
import re
import sys

from pylon_lv_inverter import Inverter, can, check_hot_sensor, check_outputs, check_start, fail, start_server, \
    stop_server


def main():
    stacksim, data, scenario, out = sys.argv[1:5]
    proc, line = start_server(stacksim, data, scenario, out, "socketcand:127.0.0.1:0")
    # The server says which port it bound ("port 0" picks a free one).
    m = re.search(r"socketcand 127\.0\.0\.1:(\d+)", line)
    if not m:
        proc.kill()
        fail("no port in the server's first line: " + repr(line))
    try:
        inv = Inverter(can.Bus(interface="socketcand", channel="can0", host="127.0.0.1", port=int(m.group(1))))
        check_start(inv)
        check_hot_sensor(inv)
        inv.bus.shutdown()
    finally:
        stop_server(proc)
    check_outputs(out)


if __name__ == "__main__":
    main()
