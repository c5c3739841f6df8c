#!/usr/bin/python3
"""Every DBC file in models/dbc loads in a third-party tool (canmatrix, the
library behind canconvert) and decodes real captures as the references say.

Usage: canmatrix_dbc_test.py DATA_DIR. Exit 0 on success. Without canmatrix
the test skips with exit code 77 (CTest SKIP_RETURN_CODE) unless CI=true,
where a missing tool fails it.
"""
import os
import re
import sys

try:
    import canmatrix.formats
except ImportError:
    print("python3-canmatrix is not installed (Debian: apt-get install python3-canmatrix)")
    sys.exit(1 if os.environ.get("CI") == "true" else 77)

data = sys.argv[1]
dbc_dir = os.path.join(data, "models", "dbc")
problems = []


def check(cond, what):
    if not cond:
        problems.append(what)


files = sorted(f for f in os.listdir(dbc_dir) if f.endswith(".dbc"))
check(len(files) >= 5, "expected the four profiles and the GTX3000 link, got %s" % files)
loaded = {}
for name in files:
    path = os.path.join(dbc_dir, name)
    text = open(path, encoding="ascii").read()
    # What the file declares, read independently of both parsers: BO_ lines.
    declared = {}
    for m in re.finditer(r"^BO_ (\d+) (\w+): (\d+) (\w+)", text, re.M):
        declared[m.group(2)] = (int(m.group(1)), int(m.group(3)))
    try:
        db = canmatrix.formats.loadp_flat(path)
    except Exception as e:  # noqa: BLE001 - any failure to load is the finding
        problems.append("%s: canmatrix cannot load it: %s" % (name, e))
        continue
    loaded[name] = db
    check(len(db.frames) == len(declared), "%s: canmatrix sees %d frames, the file declares %d" % (name, len(db.frames), len(declared)))
    for frame in db.frames:
        if frame.name not in declared:
            problems.append("%s: unexpected frame %s" % (name, frame.name))
            continue
        raw_id, dlc = declared[frame.name]
        extended = bool(raw_id & 0x80000000)
        check(frame.arbitration_id.extended == extended, "%s: %s extended flag" % (name, frame.name))
        check(frame.arbitration_id.id == raw_id & 0x1FFFFFFF, "%s: %s id" % (name, frame.name))
        check(frame.size == dlc, "%s: %s DLC %d, declared %d" % (name, frame.name, frame.size, dlc))
        check(len(frame.signals) > 0, "%s: %s has no signals" % (name, frame.name))


def decoded(file, frame_name, payload_hex):
    frame = loaded[file].frame_by_name(frame_name)
    return {k: float(v.phys_value) for k, v in frame.decode(bytes.fromhex(payload_hex)).items()}


def near(values, key, want, tol=1e-6, where=""):
    got = values.get(key)
    check(got is not None and abs(got - want) <= tol, "%s %s: %r, expected %r" % (where, key, got, want))


# Real captures (../shared/reference/protocols.md 1.4, 2.3, 3.1).
if "pylon-lv.dbc" in loaded:
    v = decoded("pylon-lv.dbc", "BMS_Limits", "1402C012C012C201")  # [SFL13]
    for k, want in (("ChargeVoltage", 53.2), ("ChargeCurrentLimit", 480.0), ("DischargeCurrentLimit", 480.0),
                    ("DischargeVoltage", 45.0)):
        near(v, k, want, where="pylon-lv 0x351")
    v = decoded("pylon-lv.dbc", "BMS_Measurements", "7A13F2FE6B01")
    near(v, "Voltage", 49.86, where="pylon-lv 0x356")
    near(v, "Current", -27.0, where="pylon-lv 0x356")
    near(v, "Temperature", 36.3, where="pylon-lv 0x356")
if "pylon-hv.dbc" in loaded:
    db = loaded["pylon-hv.dbc"]
    frame = db.frame_by_id(canmatrix.ArbitrationId(id=0x7320, extended=True))
    check(frame is not None, "pylon-hv: no 0x7320 frame")
    if frame is not None:
        values = [float(s.phys_value) for s in frame.decode(bytes.fromhex("2D00030F90003200")).values()]
        # SC0500 [EEV]: 45 cells, 3 modules, 15 cells per module, 144 V, 50 Ah.
        for want in (45, 3, 15, 144, 50):
            check(want in values, "pylon-hv 0x7320: %s not among %s" % (want, values))
if "sofar-hv.dbc" in loaded:
    v = decoded("sofar-hv.dbc", "BMS_Limits", "C608FA00FA008007")  # the AMASS sample [BE-SOFAR]
    for k, want in (("ChargeVoltage", 224.6), ("ChargeCurrentLimit", 25.0), ("DischargeCurrentLimit", 25.0),
                    ("DischargeVoltage", 192.0)):
        near(v, k, want, 1e-6, "sofar-hv 0x351")

for p in problems:
    print(p)
print("%d DBC files, %d problems" % (len(files), len(problems)))
sys.exit(1 if problems else 0)
