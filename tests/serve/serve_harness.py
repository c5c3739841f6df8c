"""What the `stacksim serve` tests on python-can share.

The server started and stopped (SIGINT, a clean exit), its outputs checked, a
python-can bus on its socketcand or slcan endpoint, and an inverter's loop on
that bus (its own frames every simulated second, the battery's last frame of
each id). The protocol modules (pylon_lv_inverter.py, pylon_hv_inverter.py,
sofar_hv_inverter.py, growatt_lv_inverter.py) build on it.

Importing this module needs python3-can (Debian's, under /usr/bin/python3):
without it the test exits 77 (skipped), or 1 when CI=true.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

try:
    import can
except ImportError:
    print("python3-can is missing (apt-get install python3-can)", file=sys.stderr)
    sys.exit(1 if os.environ.get("CI") == "true" else 77)


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def start_server(stacksim, data, scenario, out, spec, speed=2.0, args=()):
    """`stacksim serve` with the PCS bus on `spec`; returns it and its first stderr line."""
    proc = subprocess.Popen(
        [stacksim, "--data", data, "serve", scenario, "--bus", "pcs=" + spec,
         "--speed", str(speed), "--out", out, "--duration", "10m", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc, proc.stderr.readline()


def stop_server(proc):
    """SIGINT must end the run cleanly; returns the rest of its stderr."""
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        fail("the server did not stop within 30 s of SIGINT")
    if proc.returncode != 0:
        fail("exit code %d after SIGINT: %s" % (proc.returncode, err))
    return err


def check_outputs(out, pcs_ids):
    """summary.json says the run was stopped by the signal; the bus log is valid
    and holds a frame of the inverter's (an id of `pcs_ids`). Returns the bus's report."""
    summary = json.load(open(os.path.join(out, "summary.json")))
    serve = summary.get("serve", {})
    if not serve.get("stopped_by_signal"):
        fail("summary.json: serve.stopped_by_signal is not true: %s" % serve)
    bus = serve["buses"][0]
    if bus["frames_in"] < 5 or bus["malformed"] != 0:
        fail("summary.json: %s" % bus)
    # The log the run wrote is complete and valid for python-can.
    frames = list(can.CanutilsLogReader(os.path.join(out, "bus-pcs.log")))
    if not any(f.arbitration_id in pcs_ids for f in frames):
        fail("none of the inverter's %s is in bus-pcs.log" % ", ".join("0x%X" % i for i in pcs_ids))
    print("ok: %d frames in the log; lateness p99 %.3f ms" % (len(frames), serve["lateness_ms"]["p99"]))
    return bus


def serve_on(interface, stacksim, data, scenario, out, speed, args=()):
    """Starts `stacksim serve` with its PCS bus on the endpoint python-can's
    `interface` ("socketcand" or "slcan") opens, and opens it: returns the
    server and the bus. OUT is emptied first."""
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    if interface == "socketcand":
        proc, line = start_server(stacksim, data, scenario, out, "socketcand:127.0.0.1:0", speed, args)
        # The server says which port it bound ("port 0" picks a free one).
        m = re.search(r"socketcand 127\.0\.0\.1:(\d+)", line)
        if not m:
            proc.kill()
            fail("no port in the server's first line: " + repr(line))
        opened = dict(interface="socketcand", channel="can0", host="127.0.0.1", port=int(m.group(1)))
    elif interface == "slcan":
        try:
            import serial  # noqa: F401 (python-can's slcan interface needs pyserial)
        except ImportError:
            print("python3-serial is missing (apt-get install python3-serial)", file=sys.stderr)
            sys.exit(1 if os.environ.get("CI") == "true" else 77)
        # stacksim makes the pseudo-terminal and links it at OUT/slcan0.
        link = os.path.join(out, "slcan0")
        proc, line = start_server(stacksim, data, scenario, out, "slcan:" + link, speed, args)
        if "bus on slcan " + link + " -> /dev/pts/" not in line or not os.path.islink(link):
            proc.kill()
            fail("no pty linked at %s; the server said %r" % (link, line))
        opened = dict(interface="slcan", channel=link, bitrate=500000, sleep_after_open=0)
    else:
        fail("unknown interface %r (socketcand or slcan)" % interface)
    try:
        return proc, can.Bus(**opened)
    except Exception:
        proc.kill()
        raise


class CanInverter:
    """An inverter's loop on a python-can bus against a served battery.

    `frames()` (a protocol's subclass) is what the inverter sends every
    simulated second; `key(id)` takes the battery's address out of an id. The
    last payload of each id is kept in `last`, whether it came as an extended
    frame in `extended`: meaningful on slcan only, since python-can 4.1's
    socketcand client marks every received frame extended (and formats ids
    below 0x800 as standard ones when it sends). Frames lost in a burst (the
    socketcand client drops one that straddles two TCP reads) are made up by
    the next period: every check waits for a state rather than a frame.
    """

    PERIOD = 1.0  # simulated seconds between the inverter's own frames

    def __init__(self, bus, speed, interface):
        self.bus = bus
        self.speed = speed
        self.formats_known = interface == "slcan"
        self.started = time.time()
        self.next_send = 0.0
        self.last = {}
        self.extended = {}
        self.received = {}  # id -> how many

    def frames(self):
        return []

    def key(self, arbitration_id):
        return arbitration_id

    def receive(self, key, data):
        """Called for each of the battery's frames after `last` is updated."""

    def sim_now(self):
        """Simulated seconds since the server started, as the pacer keeps them (it never runs ahead)."""
        return (time.time() - self.started) * self.speed

    def poll(self, sim_seconds):
        end = time.time() + sim_seconds / self.speed
        while time.time() < end:
            if time.time() >= self.next_send:
                for m in self.frames():
                    self.bus.send(m)
                self.next_send = time.time() + self.PERIOD / self.speed
            m = self.bus.recv(0.02)
            if m is not None and not m.is_error_frame and not m.is_remote_frame:
                k = self.key(m.arbitration_id)
                self.last[k] = bytes(m.data)
                self.extended[k] = m.is_extended_id
                self.received[k] = self.received.get(k, 0) + 1
                self.receive(k, bytes(m.data))

    def wait_for(self, what, ok, until_sim):
        """Polls until ok() holds (a missing frame is a KeyError: not yet);
        fails saying `what` if it does not by simulated second `until_sim`."""
        while True:
            try:
                if ok():
                    return
            except KeyError:
                pass
            if self.sim_now() > until_sim:
                fail("%s by %.0f s simulated; last frames: %s" % (what, until_sim, self.dump()))
            self.poll(0.5)

    def check_before(self, fault_at):
        """The checks at rest must see the battery before the scenario's fault."""
        if self.sim_now() >= fault_at:
            fail("the checks at rest ran after the fault (%.1f s simulated): the machine is too slow" % self.sim_now())

    def dump(self):
        return ", ".join("%X: %s" % (k, self.last[k].hex(" ")) for k in sorted(self.last))

    def check_formats(self, extended):
        """On slcan: every frame of the battery's came with an 11-bit (extended=False) or 29-bit id."""
        if not self.formats_known:
            return
        wrong = sorted(k for k, e in self.extended.items() if e != extended)
        if wrong:
            fail("%s should be %s frames" % (", ".join("0x%X" % k for k in wrong),
                                             "29-bit" if extended else "11-bit"))


def scenario_facts(data, scenario):
    """What a test checks against: the scenario's initial SOC (%) and
    temperature (C), its first fault's time (s) and value, and the system's
    modules in series (1 for an LV pack)."""
    s = json.load(open(scenario))
    system = json.load(open(os.path.join(data, "configs", s["system"] + ".json")))
    initial = s.get("initial", {})
    event = s["timeline"][0]
    return {
        "soc": float(initial.get("soc", "50%").rstrip("%")),
        "temperature": float(initial.get("temperature", "25C").rstrip("C")),
        "fault_at": float(event["at"].rstrip("s")),
        "fault_value": float(event["value"].rstrip("C")),
        "fault_module": event.get("module"),
        "modules": system.get("modules_in_series", 1),
    }
