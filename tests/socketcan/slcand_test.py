#!/usr/bin/python3
"""Linux's slcan driver attached to `stacksim serve --bus pcs=slcan:PATH`.

Runs inside the UML guest (guest_steps.sh), in one Python process:
- stacksim serves tests/serve/hot-sensor.json (a GTX5000) at 2x with the PCS
  bus as an SLCAN adapter on a pseudo-terminal;
- `slcand -o -c pts/N slcan0` attaches the kernel's slcan driver to it,
  with no -s: the bit rate has to come through libsocketcan;
- socketcan_port_test's slcan case opens SocketcanPort on slcan0 at 500000
  bit/s (libsocketcan sets it and starts the interface) and checks with
  libsocketcan that the kernel holds 500000 bit/s and ERROR-ACTIVE;
- python-can's `socketcan` interface on slcan0 is the inverter of
  tests/serve/pylon_lv_inverter.py: the GTX5000 manual's limits, SOC and
  flags, through the kernel and the adapter both ways;
- after SIGINT, summary.json must say the adapter was told 500000 bit/s
  (the kernel sends "S6", Lawicel's code for 500 kbit/s) and was open.

Usage: slcand_test.py STACKSIM DATA_DIR SCENARIO PORT_TEST OUT_DIR
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "serve"))
from pylon_lv_inverter import Inverter, can, check_outputs, check_start, fail, start_server, stop_server  # noqa: E402

IFACE = "slcan0"
BITRATE_BPS = 500000  # the simulated PCS bus's rate (docs/buses.md), so stacksim reports no mismatch


def wait_for_interface(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if os.path.exists("/sys/class/net/" + IFACE):
            return True
        time.sleep(0.05)
    return False


def main():
    stacksim, data, scenario, port_test, out = sys.argv[1:6]
    os.makedirs(out, exist_ok=True)
    link = os.path.join(out, "slcan")
    if os.path.lexists(link):
        os.unlink(link)
    proc, line = start_server(stacksim, data, scenario, out, "slcan:" + link)
    if "bus on slcan " + link + " -> /dev/pts/" not in line:
        proc.kill()
        fail("no pty linked at %s; the server said %r" % (link, line))
    slcand = None
    try:
        # slcand puts /dev/ in front of its argument (newer ones refuse an
        # argument that has it), so it gets pts/N, not the link.
        tty = os.path.relpath(os.readlink(link), "/dev")
        slcand_log = open(os.path.join(out, "slcand.log"), "w")
        slcand = subprocess.Popen(["slcand", "-o", "-c", "-F", tty, IFACE], stdout=slcand_log,
                                  stderr=subprocess.STDOUT)
        if not wait_for_interface(5.0):
            fail("slcand did not create %s within 5 s" % IFACE)
        gtest = subprocess.run([port_test, "--gtest_brief=1",
                                "--gtest_filter=SocketcanPort.SlcanInterfaceTakesItsBitrateThroughLibsocketcan"],
                               env=dict(os.environ, STACKSIM_CAN_SLCAN=IFACE), capture_output=True, text=True)
        if gtest.returncode != 0 or "1 test" not in gtest.stdout or "SKIPPED" in gtest.stdout:
            fail("the libsocketcan case on %s:\n%s%s" % (IFACE, gtest.stdout, gtest.stderr))
        inv = Inverter(can.Bus(interface="socketcan", channel=IFACE))
        check_start(inv)
        inv.bus.shutdown()
        # stacksim stops first, with slcand still attached, so the summary
        # shows the adapter as the kernel left it: open.
        err = stop_server(proc)
    finally:
        if proc.returncode is None:
            proc.kill()
        if slcand is not None:
            slcand.terminate()
            slcand.wait(timeout=10)

    bus = check_outputs(out)
    if bus.get("slcan_bitrate_bps") != BITRATE_BPS or bus.get("slcan_mode") != "open":
        fail("summary.json: expected slcan_bitrate_bps %d and slcan_mode open (the kernel's C, S6, O): %s"
             % (BITRATE_BPS, bus))
    if bus["clients"] != 1 or bus["frames_dropped"] != 0:
        fail("summary.json: expected one host (slcand's tty) and no frame dropped: %s" % bus)
    if "bit/s; the simulated bus runs at" in err:
        fail("stacksim reported a bit rate mismatch: %r" % err)
    print("ok: slcand on %s, %d bit/s set through libsocketcan; %s" % (IFACE, BITRATE_BPS, bus))


if __name__ == "__main__":
    main()
