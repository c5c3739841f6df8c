#!/usr/bin/env bash
# Builds and runs the whole test suite twice: Release, then Debug with
# AddressSanitizer + UndefinedBehaviorSanitizer. Fails on the first failure.
# Tests labelled "long" (whole systems through hours of simulated time) run
# in the release build only: under the sanitizers they would take most of
# an hour and exercise no code the other tests do not. The test labelled
# "socketcan" (SocketCAN on real kernel CAN inside a User-mode Linux guest)
# runs in the release build only too: one guest boot per CI run, ~25 s.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc)
for preset in release asan; do
  echo "== $preset: configure and build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "== $preset: test"
  if [ "$preset" = asan ]; then
    ctest --preset "$preset" -j "$jobs" -LE 'long|socketcan'
  else
    ctest --preset "$preset" -j "$jobs"
    # The scenario library: every scenario states what the reference
    # firmware must do; JUnit XML for the CI server (docs/testing.md).
    echo "== $preset: scenario library"
    build/release/src/cli/stacksim test scenarios -j "$jobs" --bus-logs none \
      --out build/release/scenario-library --junit build/release/scenario-library.xml
  fi
done
