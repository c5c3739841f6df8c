#!/usr/bin/python3
"""An inverter of one PCS protocol profile on python-can against `stacksim serve`.

PROFILE picks the inverter, written in Python from the protocol reference
(/work/shared/reference/protocols.md), not from stacksim's C++:
  pylon-hv    pylon_hv_inverter.py   (section 2)
  sofar-hv    sofar_hv_inverter.py   (section 3.1)
  growatt-lv  growatt_lv_inverter.py (section 4.1)
(pylon-lv has its own tests: socketcand_inverter_test.py, slcan_inverter_test.py.)
INTERFACE is python-can's `socketcand` (TCP on 127.0.0.1) or `slcan` (the
pseudo-terminal stacksim links at OUT_DIR/slcan0). The inverter reads the
battery's limits, SOC, measurements and flags at rest, then their reaction to
the scenario's fault; SIGINT must then end the server cleanly: exit 0, the
summary written with stopped_by_signal, the candump log readable by python-can.

Usage: pcs_inverter_test.py PROFILE INTERFACE STACKSIM DATA_DIR SCENARIO OUT_DIR
Needs python3-can (Debian's, under /usr/bin/python3): exits 77 (skipped)
without it, 1 when CI=true.
"""
import importlib
import sys
import time

from serve_harness import check_outputs, fail, scenario_facts, serve_on, stop_server

PROFILES = {
    "pylon-hv": ("pylon_hv_inverter", "PylonHvInverter"),
    "sofar-hv": ("sofar_hv_inverter", "SofarHvInverter"),
    "growatt-lv": ("growatt_lv_inverter", "GrowattLvInverter"),
}


def main():
    if len(sys.argv) != 7 or sys.argv[1] not in PROFILES:
        fail("usage: pcs_inverter_test.py {%s} {socketcand,slcan} STACKSIM DATA_DIR SCENARIO OUT_DIR"
             % ",".join(PROFILES))
    profile, interface, stacksim, data, scenario, out = sys.argv[1:7]
    module = importlib.import_module(PROFILES[profile][0])
    facts = scenario_facts(data, scenario)
    began = time.time()
    proc, bus = serve_on(interface, stacksim, data, scenario, out, module.SPEED, module.SERVER_ARGS)
    try:
        inv = getattr(module, PROFILES[profile][1])(bus, module.SPEED, interface)
        inv.started = began
        module.check(inv, facts)
        bus.shutdown()
    finally:
        stop_server(proc)
    check_outputs(out, module.PCS_IDS)
    print("ok: %s on %s in %.1f s" % (profile, interface, time.time() - began))


if __name__ == "__main__":
    main()
