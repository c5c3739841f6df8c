#!/usr/bin/env bash
# Runs ONE command inside a User-mode Linux guest that has SocketCAN, on a host
# whose kernel has none (../shared/reference/socketcan-testing.md). The guest
# boots the Debian package user-mode-linux's kernel with the host's / as its
# root (hostfs), so it runs the host's binaries and sees the host's files; it
# loads the CAN modules, brings up lo, vcan0, vcan1 and a vxcan0/vxcan1 pair
# (vxcan1 in the network namespace "peer"), runs the command in the caller's
# working directory with the caller's environment, and powers off.
#
# Usage: run-in-guest.sh [--timeout SECONDS] COMMAND [ARG...]
# Prints the command's output, then one line with the guest's timings, and
# exits with the command's status; 125 if the guest did not come up (its
# console is printed then), 124 if the command did not finish in time.
set -euo pipefail

timeout_s=300
if [ "${1:-}" = --timeout ]; then timeout_s=$2; shift 2; fi
[ $# -ge 1 ] || { echo "usage: $0 [--timeout SECONDS] COMMAND [ARG...]" >&2; exit 2; }

kernel=${STACKSIM_UML_KERNEL:-/usr/bin/linux.uml}
[ -x "$kernel" ] || { echo "run-in-guest: no $kernel (apt-get install user-mode-linux)" >&2; exit 125; }
insmod=$(command -v insmod || true)
[ -n "$insmod" ] || insmod=/usr/sbin/insmod
[ -x "$insmod" ] || { echo "run-in-guest: no insmod (apt-get install kmod)" >&2; exit 125; }
# The modules of the kernel the package ships (one version directory).
modules=$(find /usr/lib/uml/modules -mindepth 1 -maxdepth 1 -type d 2>/dev/null | sort | tail -n 1)
[ -n "$modules" ] || { echo "run-in-guest: no /usr/lib/uml/modules/<version>" >&2; exit 125; }

# Everything the guest shares with us lives here, on the host's file system.
dir=$(mktemp -d "${TMPDIR:-/tmp}/stacksim-uml.XXXXXX")
trap 'rm -rf "$dir"' EXIT
env -0 > "$dir/env"
pwd > "$dir/cwd"
printf '%q ' "$@" > "$dir/cmd"

cat > "$dir/init" <<INIT
#!/bin/bash
# PID 1 of the guest. Writes status and output under $dir, then powers off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
d=$dir
m=$modules
{
  mount -t proc proc /proc
  mount -t sysfs sys /sys
  mountpoint -q /dev || mount -t devtmpfs dev /dev  # the kernel may have mounted it
  mkdir -p /dev/pts /dev/shm
  mount -t devpts devpts /dev/pts
  mount -t tmpfs tmpfs /dev/shm
  mount -t tmpfs tmpfs /run
  stty -onlcr 2>/dev/null
  # Dependency order; modprobe cannot work (no /lib/modules for this kernel).
  for ko in net/can/can net/can/can-raw net/can/can-bcm net/can/can-gw drivers/net/can/dev/can-dev \\
            drivers/net/can/vcan drivers/net/can/vxcan drivers/net/can/slcan/slcan; do
    $insmod "\$m/kernel/\$ko.ko" || echo "guest: insmod \$ko failed"
  done
  ip link set lo up
  for i in vcan0 vcan1; do ip link add "\$i" type vcan && ip link set "\$i" up; done
  ip link add vxcan0 type vxcan peer name vxcan1 && ip link set vxcan0 up
  mkdir -p /run/netns
  ip netns add peer && ip link set vxcan1 netns peer && ip -n peer link set vxcan1 up && ip -n peer link set lo up
} > "\$d/setup.log" 2>&1
date +%s.%N > "\$d/ready"
while IFS= read -r -d '' kv; do export "\$kv" 2>/dev/null || true; done < "\$d/env"
cd "\$(cat "\$d/cwd")"
eval "\$(cat "\$d/cmd")" > "\$d/output" 2>&1 < /dev/null
echo \$? > "\$d/status.tmp"
mv "\$d/status.tmp" "\$d/status"
date +%s.%N > "\$d/done"
sync
echo o > /proc/sysrq-trigger
sleep 10
INIT
chmod +x "$dir/init"

start=$(date +%s.%N)
rc=0
# HOME must be set or UML panics; uml_dir keeps it from writing ~/.uml.
HOME=${HOME:-$dir} timeout --kill-after=5 "$timeout_s" "$kernel" mem=512M root=/dev/root rootfstype=hostfs \
  rootflags=/ rw init="$dir/init" con0=null,fd:1 con=null ubd0=none uml_dir="$dir" quiet \
  < /dev/null > "$dir/console" 2>&1 || rc=$?
end=$(date +%s.%N)

[ -f "$dir/output" ] && cat "$dir/output"
if [ ! -f "$dir/status" ]; then
  echo "run-in-guest: the guest did not finish (kernel exit $rc); console and setup:" >&2
  tail -n 30 "$dir/console" >&2 || true
  cat "$dir/setup.log" >&2 2>/dev/null || true
  # Came up but the command did not finish: a hang of the command, not of the guest.
  [ -f "$dir/ready" ] && exit 124
  exit 125
fi
if grep -q . "$dir/setup.log"; then
  echo "run-in-guest: guest setup said:" >&2
  cat "$dir/setup.log" >&2
fi
awk -v s="$start" -v r="$(cat "$dir/ready")" -v d="$(cat "$dir/done")" -v e="$end" 'BEGIN {
  printf "run-in-guest: boot + modules + interfaces %.1f s, command %.1f s, power-off %.1f s, total %.1f s\n", r - s, d - r, e - d, e - s }' >&2
exit "$(cat "$dir/status")"
