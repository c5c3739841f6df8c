#!/usr/bin/env bash
# Builds and runs the whole test suite twice: Release, then Debug with
# AddressSanitizer + UndefinedBehaviorSanitizer. Fails on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc)
for preset in release asan; do
  echo "== $preset: configure and build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "== $preset: test"
  ctest --preset "$preset" -j "$jobs"
done
