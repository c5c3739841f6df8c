"""The GTX3000 string's numbers from its manual (products.md), for the inverter tests.

Per module of 16 cells of 50 Ah: 51.2 V nominal, 57.6 V max charge, 45.6 V min
discharge (the string table: H4 204.8 / 230.4 / 182.4 V ... H10 512 / 576 /
456 V); 7.2.3.2 charges a module at 56.16 V; technical data: 25 A nominal and
30 A max continuous current, both ways.
"""
from serve_harness import fail


def check_limits(frame, modules, cv, dv, ci, di):
    """A string's limits at 25 C and mid SOC, as `frame` sends them: charge
    voltage between 56.16 V per module and the string's max charge voltage;
    discharge cut-off at or above its min discharge voltage and below
    nominal; current limits 25-30 A. The exact values (56.16 / 45.6 V per
    module, 30 A) are the firmware's choice within these."""
    nominal, max_charge, min_discharge = 51.2 * modules, 57.6 * modules, 45.6 * modules
    if not 56.16 * modules - 0.05 <= cv <= max_charge:
        fail("%s charge voltage %.1f V outside %.2f-%.1f V" % (frame, cv, 56.16 * modules, max_charge))
    if not min_discharge - 0.05 <= dv < nominal:
        fail("%s discharge cut-off %.1f V outside %.1f-%.1f V" % (frame, dv, min_discharge, nominal))
    if not 25.0 <= ci <= 30.0 or not 25.0 <= di <= 30.0:
        fail("%s current limits %.1f A / %.1f A outside 25-30 A" % (frame, ci, di))
