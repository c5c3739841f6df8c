#!/usr/bin/python3
"""schemas/scenario.schema.json, the C++ scenario reader and the docs agree.

Usage: schema_test.py SOURCE_DIR STACKSIM DATA_DIR

SOURCE_DIR holds schemas/, scenarios/ and docs/; STACKSIM is the binary
(`stacksim --data DATA_DIR check FILE` exits 2 on an invalid file).

(a) every scenario in scenarios/ and bench/scenarios/ (recursively) is valid for the schema and
    for `stacksim check`, and so are the docs' JSON examples and a set of
    valid edge cases (units, compound durations, every fault and probe shape);
(b) every deliberately broken scenario is refused by the schema and by
    `stacksim check`, the latter naming the place of the mistake;
(c) every key of the schema's top level, bms, initial, inverter, site,
    profile steps, stop conditions, timeline events and expectations is a
    key cell of its docs table and every documented key is in the schema; the
    catalogues (faults, modes, targets, probes, states, diagnoses, outputs,
    protocols, misbehaviour kinds) match docs/faults.md, docs/expectations.md
    and docs/inverter.md, which catalogue_doc_test checks against the C++
    tables; every property has a description.

Exit 0 on success. Without python3-jsonschema the test skips with exit code
77 (CTest SKIP_RETURN_CODE) unless CI=true, where a missing module fails it.
"""
import copy
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:
    print("python3-jsonschema is not installed (Debian: apt-get install python3-jsonschema)")
    sys.exit(1 if os.environ.get("CI") == "true" else 77)

source, stacksim, data = sys.argv[1], sys.argv[2], sys.argv[3]
schema_path = os.path.join(source, "schemas", "scenario.schema.json")
with open(schema_path, encoding="utf-8") as f:
    schema = json.load(f)
jsonschema.Draft7Validator.check_schema(schema)
validator = jsonschema.Draft7Validator(schema)
D = schema["definitions"]
problems = []
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        problems.append(what)


def schema_errors(doc):
    return ["%s: %s" % ("/" + "/".join(str(p) for p in e.absolute_path), e.message[:160])
            for e in validator.iter_errors(doc)]


def stacksim_check(paths):
    r = subprocess.run([stacksim, "--data", data, "check"] + paths, capture_output=True, text=True, timeout=120)
    return r.returncode, r.stdout + r.stderr


# ---------------------------------------------------------------------------
# (a) The scenario library: valid for both.

library = sorted(glob.glob(os.path.join(source, "scenarios", "**", "*.json"), recursive=True) +
                 glob.glob(os.path.join(source, "bench", "scenarios", "**", "*.json"), recursive=True))
check(len(library) >= 10, "expected the scenario library in %s/scenarios, found %d files" % (source, len(library)))
for path in library:
    with open(path, encoding="utf-8") as f:
        errors = schema_errors(json.load(f))
    check(not errors, "%s: the schema refuses it: %s" % (os.path.relpath(path, source), errors))
if library:
    code, out = stacksim_check(library)
    check(code == 0, "stacksim check refuses the library (exit %d):\n%s" % (code, out))

# ---------------------------------------------------------------------------
# Scenarios written here: a base that both accept, then changes to it.

BASE = {
    "format": "stacksim-scenario",
    "version": 1,
    "name": "schema-test",
    "description": "base of tests/scenario/schema_test.py",
    "system": "gtx3000-h8",
    "seed": 1,
    "start": "2026-06-01T12:00:00",
    "duration": "12m",
    "step": "10ms",
    "record_every": "1s",
    "ambient": "25C",
    "initial": {"soc": "40%", "temperature": "25C", "hysteresis": "mean"},
    "profile": [
        {"current": "25A", "for": "5m"},
        {"rest": "1m"},
        {"voltage": "364V", "current_limit": "0.5C", "until": {"current_below": "1A"}, "for": "2m"},
        {"repeat": 2, "steps": [{"power": "-1kW", "for": "30s"}]},
    ],
    "timeline": [{"name": "hot sensor", "at": "10m", "fault": "temperature_sensor", "unit": 1, "module": 5,
                  "sensor": 2, "mode": "stuck", "value": "62C"}],
    "expect": [
        {"name": "tripped", "probe": "protection", "row": "charge_over_temp", "is": "raised", "within": "5s",
         "after": "hot sensor"},
        {"probe": "cell_voltage_max", "at_most": "3.65V", "always": True},
    ],
}
INVERTER = {"protocol": "sofar-hv", "address": 0, "comm_timeout": "2m", "force_charge_power": "500W",
            "ramp_per_second": "20A", "full_charge": {"from": "03:00", "to": "06:00", "power": "2kW"},
            "misbehaviour": [{"kind": "silent", "at": "1m", "for": "30s"}]}
SITE = {"load": "300W", "pv": {"daily": [{"at": "06:00", "power": "0W"}, {"at": "13:00", "power": "5kW"}]},
        "grid_outages": [{"at": "5m", "for": "1m"}],
        "tariff_windows": [{"from": "02:00", "to": "04:00", "charge_power": "2kW"}], "export_limit": "0W"}


def variant(*changes):
    """BASE with changes: (path, value) sets, (path, DELETE) removes; a path is a tuple of keys and indexes."""
    doc = copy.deepcopy(BASE)
    for path, value in changes:
        node = doc
        for k in path[:-1]:
            node = node[k]
        if value is DELETE:
            del node[path[-1]]
        else:
            node[path[-1]] = copy.deepcopy(value)
    return doc


DELETE = object()
WITH_INVERTER = (("inverter",), INVERTER)
SITE_DEMAND = [(("inverter",), {"demand": "site", "site": SITE}), (("profile",), DELETE)]


def event(**keys):
    e = {"name": "hot sensor", "at": "10m"}
    e.update(keys)
    return (("timeline", 0), e)


def expectation(**keys):
    return (("expect", 1), keys)


def step(value):
    return (("profile", 1), value)


# Valid for both: the edges of the syntax and the shape of every fault and
# probe kind.
VALID = {
    "base": [],
    "rest with until": [step({"rest": "1m", "until": {"temperature_above": "45C"}})],
    "compound and decimal durations": [(("duration",), "0.2h"), step({"rest": "1m30s"}),
                                       (("record_every",), "1500ms")],
    "minutes as min": [(("duration",), "12min")],
    "temperatures in K, degC and \u00b0C": [(("ambient",), "298.15K"), (("initial", "temperature"), "25degC"),
                                            (("timeline", 0, "value"), "62\u00b0C")],
    "signed, scaled and exponent currents": [(("profile", 0), {"current": "+2500mA", "for": "5m"}),
                                             step({"current": "-1e1A", "for": "1m"})],
    "every stop condition": [step({"current": "-0.5C", "for": "1m", "until": {
        "voltage_above": "400V", "voltage_below": "250V", "cell_voltage_above": "3.6V", "cell_voltage_below": "2.8V",
        "current_below": "0.05C", "soc_above": "90%", "soc_below": "10%", "temperature_above": "50C"}})],
    "initial units": [(("initial", "units"), [{"soc": "40%", "temperature": "30C"}])],
    "bms parameters": [(("bms",), {"firmware": "reference", "power_on": "off",
                                   "parameters": {"pcs.protocol": "pylon-hv"}})],
    "no firmware": [(("bms",), {"firmware": "none"}), (("timeline",), [{"at": "10m", "fault": "ambient", "value": "40C"}]),
                    (("expect",), [{"probe": "temperature_max", "below": "60C", "never": True}])],
    "inverter": [WITH_INVERTER],
    "inverter misbehaviour kinds": [(("inverter",), {"misbehaviour": [
        {"kind": "ignore_limits", "at": "1m", "for": "10s"},
        {"kind": "malformed_frames", "at": "2m", "for": "10s", "every": "100ms"},
        {"kind": "out_of_range", "at": "3m"},
        {"kind": "wrong_address", "at": "4m", "for": "10s", "address": 3}]})],
    "inverter site": SITE_DEMAND,
    "inverter site series, seconds and 24:00": [
        (("inverter",), {"demand": "site", "site": {
            "load": {"series": [{"at": "0s", "power": "300W"}, {"at": "1h", "power": "1kW"}]},
            "pv": {"daily": [{"at": "06:00:30", "power": "0W"}]},
            "tariff_windows": [{"from": "22:00", "to": "24:00", "charge_power": "0W"}]}}),
        (("profile",), DELETE)],
    "fault ambient": [event(fault="ambient", mode="set", value="40C", **{"for": "1m"})],
    "fault module_ambient": [event(fault="module_ambient", unit=1, module=2, value="60C")],
    "fault cell_soc": [event(fault="cell_soc", unit=1, module=2, cell=3, mode="offset", value="-20%")],
    "fault temperature_sensor offset": [event(fault="temperature_sensor", unit=1, module=5, sensor=2,
                                              mode="offset", value="5C")],
    "fault temperature_sensor open": [event(fault="temperature_sensor", unit=1, module=5, sensor=2, mode="open")],
    "fault cell_voltage_sensor": [event(fault="cell_voltage_sensor", unit=1, module=1, cell=4, value="3.9V")],
    "fault cell_voltage_sensor open_wire": [event(fault="cell_voltage_sensor", unit=1, module=1, cell=4,
                                                  mode="open_wire")],
    "fault front_end": [event(fault="front_end", unit=1, module=3)],
    "fault current_sensor": [event(fault="current_sensor", unit=1, mode="failed")],
    "fault contactor": [event(fault="contactor", unit=1, contactor="positive", mode="welded")],
    "fault precharge_resistor": [event(fault="precharge_resistor", unit=1)],
    "fault fuse": [event(fault="fuse", unit=1, **{"for": "1m"})],
    "fault breaker": [event(fault="breaker", unit=1)],
    "fault supply": [event(fault="supply", unit=1)],
    "fault link internal with module": [event(fault="link", unit=1, bus="internal", module=3)],
    "fault link pcs": [event(fault="link", unit=1, bus="pcs")],
    "fault link delay": [event(fault="link", unit=1, bus="internal", module=2, mode="delay", value="300ms")],
    "fault address_line": [event(fault="address_line", unit=1, module=2)],
    "fault button": [event(fault="button", unit=1, hold="3s")],
    "probe state": [expectation(probe="state", **{"is": "charge"}, during=["1m", "2m"])],
    "probe warning": [expectation(probe="warning", row="cell_over_voltage", **{"is": "clear"}, by="1m")],
    "probe fault": [expectation(probe="fault", diagnosis="internal_comm", **{"is": "clear"}, never=True)],
    "probe contactors": [expectation(probe="contactors", unit=1, **{"is": "closed"}, by="1m")],
    "probe led": [expectation(probe="led", led=5, **{"is": "red"}, by="11m")],
    "probe output": [expectation(probe="output", output="dry2", **{"is": "off"}, by="1m")],
    "probe soc": [expectation(probe="bms_soc", at_least="10%", always=True)],
    "probe current": [expectation(probe="charge_limit", above="0.1C", by="1m")],
}

# Refused by both; the text stacksim check must print (the place, mostly).
BROKEN = {
    "unknown top-level key": ([(("colour",), "red")], "/colour"),
    "$schema key (unknown to the reader)": ([(("$schema",), "../../schemas/scenario.schema.json")], "/$schema"),
    "missing system": ([(("system",), DELETE)], "missing key 'system'"),
    "missing duration": ([(("duration",), DELETE)], "missing key 'duration'"),
    "missing profile": ([(("profile",), DELETE)], "missing key 'profile'"),
    "wrong format": ([(("format",), "stacksim-system")], "/format"),
    "version 2": ([(("version",), 2)], "/version"),
    "negative seed": ([(("seed",), -1)], "/seed"),
    "seed as a string": ([(("seed",), "1")], "/seed"),
    "start with a space": ([(("start",), "2026-01-01 00:00:00")], "/start"),
    "start before 1970": ([(("start",), "1969-12-31T23:59:59")], "/start"),
    "system with capitals": ([(("system",), "GTX3000-H8")], "/system"),
    "system with a slash": ([(("system",), "../configs/gtx3000-h8")], "/system"),
    "duration without unit": ([(("duration",), "720")], "/duration"),
    "duration units out of order": ([(("duration",), "30s11m")], "/duration"),
    "duration with a fraction before the last part": ([(("duration",), "0.2h1m")], "/duration"),
    "negative duration": ([(("duration",), "-12m")], "/duration"),
    "zero step": ([(("step",), "0s")], "/step"),
    "record_every with a space": ([(("record_every",), "1 s")], "/record_every"),
    "stop_after_profile as a string": ([(("stop_after_profile",), "yes")], "/stop_after_profile"),
    "ambient in Fahrenheit": ([(("ambient",), "77F")], "/ambient"),
    "ambient below absolute zero in K": ([(("ambient",), "-5K")], "/ambient"),
    "initial unknown key": ([(("initial", "sco"), "40%")], "/initial/sco"),
    "initial soc as a fraction": ([(("initial", "soc"), "0.4")], "/initial/soc"),
    "initial negative soc": ([(("initial", "soc"), "-5%")], "/initial/soc"),
    "initial unknown hysteresis": ([(("initial", "hysteresis"), "charged")], "/initial/hysteresis"),
    "initial empty units": ([(("initial", "units"), [])], "/initial/units"),
    "initial unit unknown key": ([(("initial", "units"), [{"soc": "40%", "temp": "25C"}])], "/initial/units/0/temp"),
    "bms unknown key": ([(("bms",), {"firmware": "reference", "boards": 2})], "/bms/boards"),
    "bms unknown firmware": ([(("bms",), {"firmware": "custom"})], "/bms/firmware"),
    "bms unknown power_on": ([(("bms",), {"power_on": "switch"})], "/bms/power_on"),
    "bms parameter value true": ([(("bms",), {"parameters": {"pcs.protocol": True}})], "/bms/parameters/pcs.protocol"),
    "bms swapped cable of unit 1": ([(("bms",), {"swapped_link_cables": [1]})], "/bms/swapped_link_cables/0"),
    "empty profile": ([(("profile",), [])], "/profile"),
    "profile not an array": ([(("profile",), {"rest": "1m"})], "/profile"),
    "step with two kinds": ([step({"rest": "30s", "current": "1A"})], "/profile/1"),
    "step with no kind": ([step({"for": "30s"})], "/profile/1"),
    "step unknown key": ([step({"current": "1A", "for": "30s", "ramp": "1A"})], "/profile/1/ramp"),
    "current step without for or until": ([step({"current": "-10A"})], "/profile/1"),
    "rest with for": ([step({"rest": "30s", "for": "30s"})], "/profile/1/for"),
    "zero rest": ([step({"rest": "0s"})], "/profile/1/rest"),
    "zero for": ([step({"current": "1A", "for": "0ms"})], "/profile/1/for"),
    "voltage without current_limit": ([step({"voltage": "360V", "for": "30s"})], "missing key 'current_limit'"),
    "negative current_limit": ([step({"voltage": "360V", "current_limit": "-5A", "for": "30s"})],
                               "/profile/1/current_limit"),
    "zero current_limit": ([step({"voltage": "360V", "current_limit": "0A", "for": "30s"})],
                           "/profile/1/current_limit"),
    "current_limit with a current step": ([step({"current": "1A", "current_limit": "5A", "for": "30s"})],
                                          "/profile/1/current_limit"),
    "current in volts": ([step({"current": "25V", "for": "30s"})], "/profile/1/current"),
    "current without unit": ([step({"current": "25", "for": "30s"})], "/profile/1/current"),
    "current as a number": ([step({"current": 25, "for": "30s"})], "/profile/1/current"),
    "power in amperes": ([step({"power": "5A", "for": "30s"})], "/profile/1/power"),
    "negative step voltage": ([step({"voltage": "-360V", "current_limit": "5A", "for": "30s"})],
                              "/profile/1/voltage"),
    "empty until": ([step({"current": "-10A", "until": {}})], "/profile/1/until"),
    "unknown stop condition": ([step({"current": "-10A", "until": {"voltage_beloww": "45V"}})],
                               "/profile/1/until/voltage_beloww"),
    "stop condition in the wrong unit": ([step({"current": "-10A", "until": {"voltage_below": "45A"}})],
                                         "/profile/1/until/voltage_below"),
    "negative current_below": ([step({"current": "-10A", "until": {"current_below": "-0.1C"}})],
                               "/profile/1/until/current_below"),
    "repeat 0": ([step({"repeat": 0, "steps": [{"rest": "1s"}]})], "/profile/1/repeat"),
    "repeat without steps": ([step({"repeat": 2})], "missing key 'steps'"),
    "repeat with empty steps": ([step({"repeat": 2, "steps": []})], "/profile/1/steps"),
    "repeat with for": ([step({"repeat": 2, "steps": [{"rest": "1s"}], "for": "1m"})], "/profile/1/for"),
    "broken step inside a repeat": ([step({"repeat": 2, "steps": [{"rest": "1s", "current": "1A"}]})],
                                    "/profile/1/steps/0"),
    "timeline not an array": ([(("timeline",), {"at": "1m", "fault": "fuse", "unit": 1})], "/timeline"),
    "unknown fault": ([event(fault="overheat", unit=1)], "/timeline/0/fault"),
    "event without at": ([(("timeline", 0, "at"), DELETE)], "missing key 'at'"),
    "event without fault": ([(("timeline", 0, "fault"), DELETE)], "missing key 'fault'"),
    "event unknown key": ([(("timeline", 0, "severity"), "high")], "/timeline/0/severity"),
    "mode of another fault": ([(("timeline", 0, "mode"), "welded")], "/timeline/0/mode"),
    "missing value": ([(("timeline", 0, "value"), DELETE)], "missing key 'value'"),
    "value in the wrong unit": ([(("timeline", 0, "value"), "62V")], "/timeline/0/value"),
    "value for a mode without one": ([(("timeline", 0, "mode"), "open")], "/timeline/0/value"),
    "value for a fault without one": ([event(fault="fuse", unit=1, value="1A")], "/timeline/0/value"),
    "missing unit": ([(("timeline", 0, "unit"), DELETE)], "missing key 'unit'"),
    "missing sensor": ([(("timeline", 0, "sensor"), DELETE)], "missing key 'sensor'"),
    "unit 0": ([(("timeline", 0, "unit"), 0)], "/timeline/0/unit"),
    "module for a unit fault": ([event(fault="current_sensor", unit=1, module=2)], "/timeline/0/module"),
    "cell for a module fault": ([event(fault="front_end", unit=1, module=2, cell=1)], "/timeline/0/cell"),
    "unit for ambient": ([event(fault="ambient", unit=1, value="40C")], "/timeline/0/unit"),
    "for on a one-off fault": ([event(fault="cell_soc", unit=1, module=1, cell=1, value="10%", **{"for": "1m"})],
                               "/timeline/0/for"),
    "zero for on a fault": ([(("timeline", 0, "at"), "5m"), (("timeline", 0, "for"), "0s")], "/timeline/0/for"),
    "button without hold": ([event(fault="button", unit=1)], "missing key 'hold'"),
    "hold on a fault that is not a button": ([event(fault="fuse", unit=1, hold="3s")], "/timeline/0/hold"),
    "link without bus": ([event(fault="link", unit=1)], "missing key 'bus'"),
    "link unknown bus": ([event(fault="link", unit=1, bus="can")], "/timeline/0/bus"),
    "link on pcs with a module": ([event(fault="link", unit=1, bus="pcs", module=2)], "/timeline/0/module"),
    "link delay without value": ([event(fault="link", unit=1, bus="pcs", mode="delay")], "missing key 'value'"),
    "link delay of 0s": ([event(fault="link", unit=1, bus="pcs", mode="delay", value="0s")],
                         "/timeline/0/value: expected a duration between 1ns and 10s"),
    "link delay as a ratio": ([event(fault="link", unit=1, bus="pcs", mode="delay", value="50%")], "/timeline/0/value"),
    "value for a link mode without one": ([event(fault="link", unit=1, bus="pcs", mode="bus_off", value="1s")],
                                          "/timeline/0/value"),
    "unknown contactor": ([event(fault="contactor", unit=1, contactor="main")], "/timeline/0/contactor"),
    "expect not an array": ([(("expect",), {"probe": "soc", "above": "1%", "always": True})], "/expect"),
    "unknown probe": ([expectation(probe="humidity", above="50%", always=True)], "/expect/1/probe"),
    "missing probe": ([expectation(at_most="3.65V", always=True)], "missing key 'probe'"),
    "two time rules": ([expectation(probe="soc", above="1%", always=True, by="1m")], "exactly one time rule"),
    "no time rule": ([expectation(probe="soc", above="1%")], "exactly one time rule"),
    "within without after": ([expectation(probe="soc", above="1%", within="1m")], "missing key 'after'"),
    "after without within": ([expectation(probe="soc", above="1%", by="1m", after="hot sensor")],
                             "/expect/1/after"),
    "zero within": ([expectation(probe="soc", above="1%", within="0s", after="hot sensor")], "/expect/1/within"),
    "always false": ([expectation(probe="soc", above="1%", always=False)], "/expect/1/always"),
    "during with one time": ([expectation(probe="soc", above="1%", during=["1m"])], "/expect/1/during"),
    "during with a number": ([expectation(probe="soc", above="1%", during=["1m", 120])], "/expect/1/during"),
    "by without unit": ([expectation(probe="soc", above="1%", by="60")], "/expect/1/by"),
    "two thresholds": ([expectation(probe="soc", above="1%", below="99%", always=True)], "exactly one of 'above'"),
    "no threshold": ([expectation(probe="soc", always=True)], "exactly one of 'above'"),
    "threshold in the wrong unit": ([expectation(probe="cell_voltage_max", at_most="3.65A", always=True)],
                                    "/expect/1/at_most"),
    "threshold as a number": ([expectation(probe="cell_voltage_max", at_most=3.65, always=True)],
                              "/expect/1/at_most"),
    "threshold on a state probe": ([expectation(probe="state", at_most="1A", always=True)], "/expect/1/at_most"),
    "is on a numeric probe": ([expectation(probe="soc", above="1%", always=True, **{"is": "raised"})],
                              "/expect/1/is"),
    "unknown state": ([expectation(probe="state", **{"is": "sleeping"}, by="1m")], "/expect/1/is"),
    "state probe without is": ([expectation(probe="contactors", by="1m")], "missing key 'is'"),
    "protection without row": ([(("expect", 0, "row"), DELETE)], "missing key 'row'"),
    "row on a probe without one": ([expectation(probe="state", row="x", **{"is": "charge"}, by="1m")],
                                   "/expect/1/row"),
    "unknown diagnosis": ([expectation(probe="fault", diagnosis="overheat", **{"is": "raised"}, by="1m")],
                          "/expect/1/diagnosis"),
    "led 0": ([expectation(probe="led", led=0, **{"is": "red"}, by="1m")], "/expect/1/led"),
    "led as a string": ([expectation(probe="led", led="5", **{"is": "red"}, by="1m")], "/expect/1/led"),
    "unknown output": ([expectation(probe="output", output="dry3", **{"is": "on"}, by="1m")], "/expect/1/output"),
    "expectation unknown key": ([(("expect", 1, "severity"), "high")], "/expect/1/severity"),
    "expectation unit 0": ([(("expect", 1, "unit"), 0)], "/expect/1/unit"),
    "inverter unknown key": ([WITH_INVERTER, (("inverter", "power"), "5kW")], "/inverter/power"),
    "inverter unknown protocol": ([WITH_INVERTER, (("inverter", "protocol"), "modbus")], "/inverter/protocol"),
    "inverter address 16": ([WITH_INVERTER, (("inverter", "address"), 16)], "/inverter/address"),
    "inverter zero comm_timeout": ([WITH_INVERTER, (("inverter", "comm_timeout"), "0s")], "/inverter/comm_timeout"),
    "inverter unknown demand": ([WITH_INVERTER, (("inverter", "demand"), "grid")], "/inverter/demand"),
    "inverter negative force_charge_power": ([WITH_INVERTER, (("inverter", "force_charge_power"), "-1kW")],
                                             "/inverter/force_charge_power"),
    "inverter full_charge unknown key": ([WITH_INVERTER, (("inverter", "full_charge", "until"), "06:00")],
                                         "/inverter/full_charge/until"),
    "inverter full_charge hour 25": ([WITH_INVERTER, (("inverter", "full_charge", "to"), "25:00")],
                                     "/inverter/full_charge/to"),
    "inverter negative ramp": ([WITH_INVERTER, (("inverter", "ramp_per_second"), "-5A")],
                               "/inverter/ramp_per_second"),
    "inverter zero ramp": ([WITH_INVERTER, (("inverter", "ramp_per_second"), "0A")], "/inverter/ramp_per_second"),
    "inverter ramp in volts": ([WITH_INVERTER, (("inverter", "ramp_per_second"), "5V")],
                               "/inverter/ramp_per_second"),
    "inverter without a BMS": ([WITH_INVERTER, (("bms",), {"firmware": "none"}), (("timeline",), DELETE),
                                (("expect",), DELETE)], "/inverter"),
    "misbehaviour unknown kind": ([WITH_INVERTER, (("inverter", "misbehaviour", 0, "kind"), "loud")],
                                  "/inverter/misbehaviour/0/kind"),
    "misbehaviour without at": ([WITH_INVERTER, (("inverter", "misbehaviour", 0, "at"), DELETE)],
                                "missing key 'at'"),
    "misbehaviour every on silent": ([WITH_INVERTER, (("inverter", "misbehaviour", 0, "every"), "1s")],
                                     "/inverter/misbehaviour/0/every"),
    "misbehaviour address on silent": ([WITH_INVERTER, (("inverter", "misbehaviour", 0, "address"), 3)],
                                       "/inverter/misbehaviour/0/address"),
    "wrong_address without address": ([WITH_INVERTER, (("inverter", "misbehaviour", 0, "kind"), "wrong_address")],
                                      "missing key 'address'"),
    "site without demand site": ([WITH_INVERTER, (("inverter", "site"), SITE)], "/inverter/site"),
    "demand site without site": ([WITH_INVERTER, (("inverter", "demand"), "site"), (("profile",), DELETE)],
                                 "missing key 'site'"),
    "demand site with a profile": ([(("inverter",), {"demand": "site", "site": SITE})], "/profile"),
    "demand site with stop_after_profile": (SITE_DEMAND + [(("stop_after_profile",), True)], "/stop_after_profile"),
    "site unknown key": (SITE_DEMAND + [(("inverter", "site", "wind"), "1kW")], "/inverter/site/wind"),
    "site load negative": (SITE_DEMAND + [(("inverter", "site", "load"), "-300W")], "/inverter/site/load"),
    "site load as a number": (SITE_DEMAND + [(("inverter", "site", "load"), 300)], "/inverter/site/load"),
    "site curve daily and series": (SITE_DEMAND + [(("inverter", "site", "pv", "series"),
                                                    [{"at": "0s", "power": "1kW"}])], "/inverter/site/pv"),
    "site curve empty daily": (SITE_DEMAND + [(("inverter", "site", "pv", "daily"), [])], "/inverter/site/pv/daily"),
    "site daily point at 24:00": (SITE_DEMAND + [(("inverter", "site", "pv", "daily", 1, "at"), "24:00")],
                                  "/inverter/site/pv/daily/1/at"),
    "site daily point at 7:00": (SITE_DEMAND + [(("inverter", "site", "pv", "daily", 0, "at"), "7:00")],
                                 "/inverter/site/pv/daily/0/at"),
    "site point unknown key": (SITE_DEMAND + [(("inverter", "site", "pv", "daily", 0, "ramp"), "1kW")],
                               "/inverter/site/pv/daily/0/ramp"),
    "site outage without for": (SITE_DEMAND + [(("inverter", "site", "grid_outages", 0, "for"), DELETE)],
                                "missing key 'for'"),
    "site tariff without charge_power": (SITE_DEMAND + [(("inverter", "site", "tariff_windows", 0, "charge_power"),
                                                         DELETE)], "missing key 'charge_power'"),
    "site negative export_limit": (SITE_DEMAND + [(("inverter", "site", "export_limit"), "-1W")],
                                   "/inverter/site/export_limit"),
}

with tempfile.TemporaryDirectory() as tmp:
    def write(label, doc):
        path = os.path.join(tmp, re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") + ".json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=2, ensure_ascii=False)
        return path

    valid_paths = []
    for label, changes in VALID.items():
        doc = variant(*changes)
        errors = schema_errors(doc)
        check(not errors, "valid case '%s': the schema refuses it: %s" % (label, errors))
        valid_paths.append(write(label, doc))

    # The docs' examples: a whole scenario, or keys of one ("timeline": [...]).
    for doc_name in ("scenarios.md", "inverter.md", "faults.md", "expectations.md"):
        with open(os.path.join(source, "docs", doc_name), encoding="utf-8") as f:
            text = f.read()
        for n, block in enumerate(re.findall(r"```json\n(.*?)```", text, re.S)):
            where = "docs/%s JSON example %d" % (doc_name, n + 1)
            try:
                value = json.loads(block)
            except ValueError:
                value = json.loads("{" + block + "}")
            if "format" in value:
                errors = schema_errors(value)
                check(not errors, "%s: the schema refuses it: %s" % (where, errors))
                valid_paths.append(write(where, value))
                continue
            doc = copy.deepcopy(BASE)
            doc.update(value)
            if value.get("inverter", {}).get("demand") == "site":
                del doc["profile"]
            errors = schema_errors(doc)
            check(not errors, "%s (in the test's base scenario): the schema refuses it: %s" % (where, errors))

    code, out = stacksim_check(valid_paths)
    check(code == 0, "stacksim check refuses a valid case (exit %d):\n%s" % (code, out))

    # (b) Broken: each one refused by both, stacksim naming the mistake.
    for label, (changes, marker) in BROKEN.items():
        doc = variant(*changes)
        check(schema_errors(doc), "broken case '%s': the schema accepts it" % label)
        path = write(label, doc)
        code, out = stacksim_check([path])
        check(code == 2, "broken case '%s': stacksim check exits %d, expected 2:\n%s" % (label, code, out))
        check(code != 2 or marker in out, "broken case '%s': stacksim check does not say '%s':\n%s" % (label, marker, out))

# ---------------------------------------------------------------------------
# (c) The docs' key tables against the schema.


def read_doc(name):
    with open(os.path.join(source, "docs", name), encoding="utf-8") as f:
        return f.read()


def section(text, heading):
    """The text under a '## heading' line, up to the next heading of that level or above."""
    m = re.search(r"^%s\s*$" % re.escape(heading), text, re.M)
    if m is None:
        problems.append("no section '%s'" % heading)
        return ""
    level = len(heading) - len(heading.lstrip("#"))
    end = re.search(r"^#{1,%d} " % level, text[m.end():], re.M)
    return text[m.end():m.end() + end.start()] if end else text[m.end():]


def rows(text):
    """The cells of every table row below a header row (tables: consecutive '|' lines)."""
    out, in_table = [], 0
    for line in text.splitlines():
        if not line.startswith("|"):
            in_table = 0
            continue
        in_table += 1
        if in_table > 2:  # after the header and the |---| line
            out.append([c.strip() for c in line.strip().strip("|").split("|")])
    return out


def names(cell):
    """Keys in a cell: `key`, `a`, `b`, or `"key": ...` forms."""
    found = []
    for span in re.findall(r"`([^`]*)`", cell):
        if '":' in span:
            found += re.findall(r'"([a-z_][a-z0-9_]*)":', span)
        elif re.fullmatch(r"[a-z_][a-z0-9_-]*", span):
            found.append(span)
    return found


def key_cells(text, *headings):
    keys = []
    for h in headings:
        for r in rows(section(text, h)):
            keys += names(r[0])
    return set(keys)


def props(node):
    return set(node["properties"])


scenarios_md, inverter_md = read_doc("scenarios.md"), read_doc("inverter.md")
faults_md, expectations_md = read_doc("faults.md"), read_doc("expectations.md")
TABLES = [
    ("docs/scenarios.md '## Top level'", key_cells(scenarios_md, "## Top level"), props(schema), "top level"),
    ("docs/scenarios.md '## `bms`'", key_cells(scenarios_md, "## `bms`"), props(schema["properties"]["bms"]), "bms"),
    ("docs/scenarios.md '## `inverter`'", key_cells(scenarios_md, "## `inverter`"), props(D["inverter"]),
     "inverter"),
    ("docs/inverter.md '## Demand sources'", key_cells(inverter_md, "## Demand sources"),
     props(D["inverter"]["properties"]["site"]), "inverter.site"),
    # The table also documents the keys of a units entry (soc, temperature, modules).
    ("docs/scenarios.md '## `initial`'", key_cells(scenarios_md, "## `initial`"),
     props(schema["properties"]["initial"]) | props(schema["properties"]["initial"]["properties"]["units"]["items"]),
     "initial"),
    ("docs/scenarios.md '## Profile steps'", key_cells(scenarios_md, "## Profile steps"), props(D["profileStep"]),
     "profile steps"),
    ("docs/scenarios.md 'Stop conditions:'",
     set(re.findall(r"`([a-z_]+_(?:above|below))`", re.search(r"^Stop conditions:(.*?)\n\n", scenarios_md, re.S | re.M).group(1))),
     props(D["until"]), "until"),
    ("docs/faults.md '## Keys of an event'", key_cells(faults_md, "## Keys of an event"), props(D["faultEvent"]),
     "timeline events"),
    ("docs/expectations.md '## Keys' and '## Time rules'", key_cells(expectations_md, "## Keys", "## Time rules"),
     props(D["expectation"]), "expectations"),
]
for where, documented, in_schema, what in TABLES:
    for k in sorted(in_schema - documented):
        problems.append("%s: the schema's key '%s' (%s) is not documented there" % (where, k, what))
    for k in sorted(documented - in_schema):
        problems.append("%s: documented key '%s' is not in the schema (%s)" % (where, k, what))
    checks += 1


# Units: the docs' quantity table and the schema's patterns accept the same
# ones, out of every unit src/util/quantity.cpp knows.
KNOWN_UNITS = ["ns", "us", "ms", "s", "m", "min", "h", "d", "mA", "A", "kA", "C", "mV", "V", "kV", "mW", "W", "kW",
               "MW", "Wh", "kWh", "MWh", "J", "kJ", "MJ", "degC", "\u00b0C", "K", "%", "uOhm", "mOhm", "Ohm", "kOhm",
               "mAh", "Ah"]
quantity_rows = {r[0].split()[0]: r[1] for r in rows(section(scenarios_md, "## Quantities"))}
for dimension in ("duration", "current", "voltage", "power", "temperature", "ratio"):
    documented = {u for u in re.findall(r"`([^`]*)`", quantity_rows.get(dimension, "")) if u in KNOWN_UNITS}
    one = jsonschema.Draft7Validator({"$ref": "#/definitions/" + dimension, "definitions": D})
    accepted = {u for u in KNOWN_UNITS if one.is_valid("1" + u)}
    check(documented == accepted, "%s units: docs/scenarios.md %s, schema %s"
          % (dimension, sorted(documented), sorted(accepted)))


def branch(node, key, value):
    """The 'then' of the if-branch of node['allOf'] that applies when key is value."""
    for b in node["allOf"]:
        cond = b.get("if", {}).get("properties", {}).get(key, {})
        if cond.get("const") == value:
            return b["then"]
    return None


# Faults: names, modes, targets.
event_keys = props(D["faultEvent"])
catalogue = {r[0].strip("`"): r for r in rows(section(faults_md, "## The catalogue"))}
check(set(catalogue) == set(D["faultEvent"]["properties"]["fault"]["enum"]),
      "faults: docs/faults.md %s, schema %s" % (sorted(catalogue), sorted(D["faultEvent"]["properties"]["fault"]["enum"])))
TARGET_KEYS = ["unit", "module", "cell", "sensor", "contactor", "bus"]
for fault, r in catalogue.items():
    then = branch(D["faultEvent"], "fault", fault)
    if then is None:
        continue
    modes = set(names(r[3])) - event_keys
    check(modes == set(then["properties"]["mode"]["enum"]),
          "fault %s: modes in docs %s, schema %s" % (fault, sorted(modes), then["properties"]["mode"]["enum"]))
    targets = {w for w in re.findall(r"[a-z]+", r[2]) if w in TARGET_KEYS}
    allowed = {k for k in TARGET_KEYS if then["properties"].get(k, True) is not False}
    check(targets == allowed, "fault %s: targets in docs %s, schema %s" % (fault, sorted(targets), sorted(allowed)))

# Probes: names, states, numeric kinds; diagnoses and outputs.
exp = D["expectation"]
probes = {r[0].strip("`"): r for r in rows(section(expectations_md, "## Probes"))}
check(set(probes) == set(exp["properties"]["probe"]["enum"]),
      "probes: docs/expectations.md %s, schema %s" % (sorted(probes), sorted(exp["properties"]["probe"]["enum"])))
for probe, r in probes.items():
    then = branch(exp, "probe", probe)
    if then is None:
        continue
    states = names(r[1])
    if states:
        is_schema = then["properties"].get("is")
        check(isinstance(is_schema, dict) and states == is_schema.get("enum"),
              "probe %s: states in docs %s, schema %s" % (probe, states, is_schema))
    else:
        above = then["properties"]["above"]
        # A plain number (the "can" probe reads a DBC signal in its own unit).
        dim = "number" if above == {"type": "number"} else above.get("$ref", "").rsplit("/", 1)[-1]
        check(dim == r[1], "probe %s: kind in docs '%s', schema '%s'" % (probe, r[1], dim))
key_rows = {names(r[0])[0]: r[1] for r in rows(section(expectations_md, "## Keys")) if names(r[0])}
for key, own in (("diagnosis", "fault"), ("output", "output")):
    documented = [n for n in names(key_rows.get(key, "")) if n != own]
    check(documented == exp["properties"][key]["enum"],
          "%s: docs/expectations.md %s, schema %s" % (key, documented, exp["properties"][key]["enum"]))

# Inverter: protocols and misbehaviour kinds.
inverter_rows = {names(r[0])[0]: r[1] for r in rows(section(scenarios_md, "## `inverter`")) if names(r[0])}
protocols = re.findall(r'`"([a-z-]+)"`', inverter_rows.get("protocol", ""))
check(protocols == D["inverter"]["properties"]["protocol"]["enum"],
      "protocols: docs/scenarios.md %s, schema %s" % (protocols, D["inverter"]["properties"]["protocol"]["enum"]))
misbehaviour_item = D["inverter"]["properties"]["misbehaviour"]["items"]
kinds = [names(r[0])[0] for r in rows(section(inverter_md, "## Misbehaviour"))]
check(kinds == misbehaviour_item["properties"]["kind"]["enum"],
      "misbehaviour kinds: docs/inverter.md %s, schema %s" % (kinds, misbehaviour_item["properties"]["kind"]["enum"]))


# Every property of every object the schema defines has a description.
def walk(node, path):
    if isinstance(node, dict):
        if node.get("type") == "object":
            for k, v in node.get("properties", {}).items():
                check(v is False or bool(v.get("description")), "%s/properties/%s has no description" % (path, k))
        for k, v in node.items():
            walk(v, path + "/" + k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            walk(v, "%s/%d" % (path, i))


walk(schema, "#")

for p in problems:
    print(p)
print("schema_test: %d library scenarios, %d valid and %d broken cases, %d checks, %d problems"
      % (len(library), len(VALID), len(BROKEN), checks, len(problems)))
sys.exit(1 if problems else 0)
