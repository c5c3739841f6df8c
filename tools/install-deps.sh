#!/usr/bin/env bash
# Installs what stacksim needs to build and test, from Debian 12 packages only.
# Idempotent; run as root on a fresh machine. Nothing is vendored or downloaded
# at configure time.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  libboost-dev            # Boost.Asio (bus transports)
  nlohmann-json3-dev      # scenario, config and model files
  libspdlog-dev           # logging outside the hot path
  libgtest-dev libgmock-dev
  libsocketcan-dev        # SocketCAN transport
  libbenchmark-dev        # bench/
  libcli11-dev            # the stacksim command line
  python3-can             # tests: bus logs read by python-can's CanutilsLogReader
  can-utils               # tests: bus logs read by canplayer / log2asc
  python3-canmatrix       # tests: the DBC files load in a third-party tool
  python3-jsonschema      # tests: schemas/scenario.schema.json against the reader and the docs
  # tests: SocketCAN on real kernel CAN in a User-mode Linux guest (its kernel
  # has CAN; the host's may not): the guest kernel and insmod for its modules;
  # it also uses can-utils (above).
  user-mode-linux kmod
  valgrind                # tests: memcheck on the SocketCAN code in the guest, where AddressSanitizer cannot run
  python3-serial          # tests: a BCU in Python on stacksim serve's RS485 pty / serial port
  socat                   # tests: a pty pair standing in for a serial cable (serial: transport)
  mbpoll python3-pymodbus python3-serial-asyncio  # tests: Modbus RTU masters reading the 6.5 kWh pack's Growatt map
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ] && [ "${STACKSIM_FORCE_APT:-0}" != 1 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing ${missing[*]}; run as root (or with sudo)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${packages[@]}"
