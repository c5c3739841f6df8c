"""What the `stacksim serve` tests on RS485 lines share.

A socat pseudo-terminal pair standing in for a USB-RS485 adapter and its
cable, the server's stop on SIGINT (a clean exit), and the skip / fail rules:
a missing tool or module exits 77 (skipped), or 1 when CI=true.

Importing this module needs python3-serial (Debian's, under /usr/bin/python3).
"""
import os
import shutil
import signal
import subprocess
import sys
import time


def skip(why):
    print(why, file=sys.stderr)
    sys.exit(1 if os.environ.get("CI") == "true" else 77)


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


try:
    import serial  # noqa: F401 (re-exported for the tests)
except ImportError:
    skip("python3-serial is missing (apt-get install python3-serial)")


def need_tools(*tools):
    for tool in tools:
        if shutil.which(tool) is None:
            skip("%s is missing (apt-get install %s)" % (tool, tool))


def socat_pair(end_a, end_b):
    """A raw pty pair with links at END_A and END_B, waited for; returns socat."""
    need_tools("socat")
    socat = subprocess.Popen(["socat", "pty,raw,echo=0,link=" + end_a, "pty,raw,echo=0,link=" + end_b],
                             stderr=subprocess.DEVNULL)
    for _ in range(100):
        if os.path.exists(end_a) and os.path.exists(end_b):
            return socat
        time.sleep(0.05)
    socat.kill()
    fail("socat made no pty pair")


def start_serve(stacksim, data, args, out, kind):
    """`stacksim serve ARGS` writing its run to OUT/run; its first stderr line
    must say the line is bound ("bus on KIND", pty or serial). Returns it."""
    proc = subprocess.Popen([stacksim, "--data", data, "serve", *args, "--out", os.path.join(out, "run")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stderr.readline()
    if "bus on " + kind not in line:
        proc.kill()
        fail("unexpected first line from stacksim: " + repr(line) + proc.stderr.read())
    return proc


def stop_serve(proc, socat=None):
    """SIGINT to a `stacksim serve` still running, which must then exit 0
    within 30 s; socat (if any) ended after it."""
    try:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            fail("stacksim did not stop on SIGINT")
    finally:
        if socat is not None:
            socat.terminate()
            socat.wait()
    if proc.returncode != 0:
        fail("stacksim exited %d: %s" % (proc.returncode, proc.stderr.read()))


def interp(xs, ys, x):
    """Linear interpolation in a table (xs rising), held at its last value."""
    for i in range(1, len(xs)):
        if x <= xs[i]:
            return ys[i - 1] + (ys[i] - ys[i - 1]) * (x - xs[i - 1]) / (xs[i] - xs[i - 1])
    return ys[-1]
