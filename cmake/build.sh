#!/usr/bin/env bash
# Sets up what is missing, then configures and builds Kinema into build/ with Ninja.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/cmake/setup.sh"
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE="${KINEMA_BUILD_TYPE:-Release}" >/dev/null
cmake --build "$root/build" -j "$(nproc)"
