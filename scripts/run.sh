#!/usr/bin/env bash
# Installs what is missing, builds the workbench in Release and launches it. With no display,
# renders every module and view to PNG files instead and prints where they are.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
BUILD=${WB_BUILD_DIR:-build-release}
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DWB_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$BUILD" -j"$(nproc)"
if [[ -n ${DISPLAY:-} || -n ${WAYLAND_DISPLAY:-} ]]; then
  exec "$BUILD/bin/workbench" "$@"
fi
echo "No display found (DISPLAY and WAYLAND_DISPLAY are unset): rendering the tour instead."
"$BUILD/bin/workbench" --tour "$BUILD/tour"
echo "Open the PNG files in $(cd "$BUILD/tour" && pwd), or run the workbench on a desktop."
