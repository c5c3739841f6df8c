#!/usr/bin/python3
"""An inverter on python-can's slcan interface against `stacksim serve`.

stacksim serves the PCS bus as an SLCAN (Lawicel) adapter on a pseudo-terminal
linked at OUT_DIR/slcan0; python-can opens it as it would a USB-serial adapter
(pyserial, 500 kbit/s: "C", "S6", "O", "O"). The inverter
(pylon_lv_inverter.py, written from the Pylontech LV reference) reads the
served GTX5000's limits, SOC and flags and its reaction to the scenario's hot
sensor. A second host then asks for 250 kbit/s, which the simulated bus (500
kbit/s) does not take: one line on stderr says so. SIGINT must end the run
cleanly: exit 0, the summary written with stopped_by_signal, the candump log
readable by python-can, and the link removed.

Usage: slcan_inverter_test.py STACKSIM DATA_DIR SCENARIO OUT_DIR
Needs python3-can (Debian's, under /usr/bin/python3): exits 77 (skipped)
without it, 1 when CI=true.
"""
import os
import shutil
import sys
import time

from pylon_lv_inverter import Inverter, can, check_hot_sensor, check_outputs, check_start, fail, start_server, \
    stop_server


def main():
    stacksim, data, scenario, out = sys.argv[1:5]
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    link = os.path.join(out, "slcan0")
    proc, line = start_server(stacksim, data, scenario, out, "slcan:" + link)
    if "bus on slcan " + link + " -> /dev/pts/" not in line or not os.path.islink(link):
        proc.kill()
        fail("no pty linked at %s; the server said %r" % (link, line))
    try:
        bus = can.Bus(interface="slcan", channel=link, bitrate=500000, sleep_after_open=0)
        # Lawicel's identification, as python-can parses it.
        if bus.get_version(2.0) != (10, 13):
            fail("V: expected hardware 10, software 13")
        if bus.get_serial_number(2.0) != "SSIM":
            fail("N: expected serial SSIM")
        inv = Inverter(bus)
        check_start(inv)
        check_hot_sensor(inv)
        bus.shutdown()
        time.sleep(0.2)  # the adapter sees the first host leave (it polls every 20 ms)
        other = can.Bus(interface="slcan", channel=link, bitrate=250000, sleep_after_open=0)
        time.sleep(0.5)
        other.shutdown()
    finally:
        err = stop_server(proc)
    report = check_outputs(out)
    if report["clients"] != 2 or report["frames_dropped"] != 0:
        fail("summary.json: expected 2 hosts and no frame dropped: %s" % report)
    # The second host's S5 is the last bit rate set; its shutdown ("C", then
    # the terminal closed) leaves the adapter closed.
    if report.get("slcan_bitrate_bps") != 250000 or report.get("slcan_mode") != "closed":
        fail("summary.json: expected slcan_bitrate_bps 250000 and slcan_mode closed: %s" % report)
    mismatch = "the host set 250000 bit/s; the simulated bus runs at 500000 bit/s and keeps it"
    if err.count(mismatch) != 1:
        fail("expected one line on stderr saying %r; got %r" % (mismatch, err))
    if os.path.lexists(link):
        fail("the link %s is still there after the run" % link)


if __name__ == "__main__":
    main()
