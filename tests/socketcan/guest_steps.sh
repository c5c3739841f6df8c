#!/usr/bin/env bash
# Runs inside the UML guest (guest_test.sh), where vcan0, vcan1 and vxcan0 are
# up and vxcan1 is in the network namespace "peer". Every process start is
# slow here (~20 ms), so the steps are few: one C++ test binary, one Python
# process that serves, plays the inverter and drives can-utils.
set -euo pipefail
stacksim=$1 port_test=$2 data=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)

echo "== (a, d) SocketcanPort on vcan0, vcan1 and vxcan0/vxcan1 across namespaces"
STACKSIM_CAN_GUEST=1 STACKSIM_CAN_NETNS=peer "$port_test" --gtest_brief=1

echo "== (b, c) stacksim serve on vcan0: can-utils and python-can's socketcan inverter"
/usr/bin/python3 "$here/socketcan_inverter_test.py" "$stacksim" "$data" "$here/../serve/hot-sensor.json" "$out/serve"
