#!/usr/bin/env bash
# CTest Socketcan.Guest (label socketcan): the SocketCAN transport on real
# kernel CAN, in ONE boot of the User-mode Linux guest (tools/uml/run-in-guest.sh;
# this host's kernel has no CAN). Inside, guest_steps.sh runs the port's
# GoogleTest binary, a `stacksim serve` on vcan0 with can-utils and
# python-can's socketcan interface as the inverter, and Linux slcand attached
# to a `stacksim serve` SLCAN endpoint as slcan0.
#
# Usage: guest_test.sh STACKSIM PORT_TEST DATA_DIR OUT_DIR
# Exits 77 (skipped) when the guest or a tool is missing, except in CI
# (CI=true), where that is a failure: a green CI run has exercised CAN.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
stacksim=$1 port_test=$2 data=$3 out=$4

cannot_run() {
  echo "Socketcan.Guest: $*" >&2
  if [ "${CI:-}" = true ]; then echo "Socketcan.Guest: CI=true, so this is a failure, not a skip" >&2; exit 1; fi
  exit 77
}

for tool in /usr/bin/linux.uml candump cansend slcand valgrind; do
  command -v "$tool" >/dev/null || cannot_run "no $tool (tools/install-deps.sh installs user-mode-linux and can-utils)"
done
command -v insmod >/dev/null || [ -x /usr/sbin/insmod ] || cannot_run "no insmod (apt-get install kmod)"
/usr/bin/python3 -c 'import can' 2>/dev/null || cannot_run "no python3-can under /usr/bin/python3"

rm -rf "$out" && mkdir -p "$out"
"$root/tools/uml/run-in-guest.sh" --timeout 240 \
  bash "$here/guest_steps.sh" "$stacksim" "$port_test" "$data" "$out"
rc=$?
# 125: the guest never came up (a missing kernel module, no hostfs...).
[ "$rc" = 125 ] && cannot_run "the UML guest did not boot"
exit "$rc"
