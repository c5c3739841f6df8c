#!/usr/bin/env bash
# Runs inside the UML guest (guest_test.sh), where vcan0, vcan1 and vxcan0 are
# up and vxcan1 is in the network namespace "peer". Every process start is
# slow here (~20 ms, ~2.5 s for a Python process that imports can), so the
# steps are few: one C++ test binary, and one Python process per served run
# (each serves, plays the inverter and drives the tools).
set -euo pipefail
stacksim=$1 port_test=$2 data=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)

echo "== (a, d) SocketcanPort on vcan0, vcan1 and vxcan0/vxcan1 across namespaces, under valgrind memcheck"
# The slcan case needs slcand attached to a served run: the last step runs it.
# Memcheck stands in for the sanitizers here: AddressSanitizer cannot start in
# the guest (its shadow memory overlaps UML's user address space, which ends
# at 512 GiB), and this is the only place the SocketCAN code runs for real.
STACKSIM_CAN_GUEST=1 STACKSIM_CAN_NETNS=peer valgrind -q --error-exitcode=99 --leak-check=full \
  --errors-for-leak-kinds=definite "$port_test" --gtest_brief=1 \
  --gtest_filter=-SocketcanPort.SlcanInterfaceTakesItsBitrateThroughLibsocketcan

echo "== (b, c) stacksim serve on vcan0: can-utils and python-can's socketcan inverter"
/usr/bin/python3 "$here/socketcan_inverter_test.py" "$stacksim" "$data" "$here/../serve/hot-sensor.json" "$out/serve"

echo "== (e) slcand: the kernel's slcan0 on stacksim's SLCAN pty, bit rate through libsocketcan, python-can's inverter"
/usr/bin/python3 "$here/slcand_test.py" "$stacksim" "$data" "$here/../serve/hot-sensor.json" "$port_test" "$out/slcand"
