#!/usr/bin/python3
"""Prints every frame of a candump log as python-can's CanutilsLogReader
reads it, one per line: micros id(hex) extended remote dlc data(hex or -).
Exit status 3 when python-can is not installed (Debian: python3-can)."""
import sys

try:
    import can
except ImportError:
    sys.exit(3)

for m in can.CanutilsLogReader(sys.argv[1]):
    print("%d %X %d %d %d %s" % (round(m.timestamp * 1e6), m.arbitration_id, m.is_extended_id,
                                 m.is_remote_frame, m.dlc, bytes(m.data).hex().upper() or "-"))
