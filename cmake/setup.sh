#!/usr/bin/env bash
# Installs every Debian 12 package Kinema needs to build, run and test; idempotent, run as root.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git
  # engine
  libtorch-dev libopenblas0-openmp
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev ffmpeg
  libsentencepiece-dev sentencepiece
  libopenal-dev libspdlog-dev nlohmann-json3-dev
  # safeguards: Ed25519 and C2PA signing (OpenSSL), prompt normalisation (ICU)
  libssl-dev libicu-dev
  # world
  libbox2d-dev libcairo2-dev
  # studio
  qt6-base-dev xvfb
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
)

# The C2PA test runs c2pa-rs (npm @contentauth/c2pa-wasm) under Node.js. A Node.js from elsewhere (NodeSource)
# brings its own npm, which Debian's npm package would conflict with: ask Debian only when either is missing.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: missing packages: ${missing[*]}; run this script as root" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Debian's libtorch links the generic libblas.so.3; OpenBLAS must own that alternative (30x faster).
blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || true)
if [[ "$blas" != *openblas* ]]; then
  echo "setup: libblas.so.3 resolves to '$blas', expected OpenBLAS" >&2
  exit 1
fi

# c2pa-rs for the provenance tests, pinned by tests/safety/c2pa/package-lock.json; node_modules stays out of git.
c2pa_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/safety/c2pa"
wanted=$(node -p "require('$c2pa_dir/package-lock.json').packages['node_modules/@contentauth/c2pa-wasm'].version")
have=$(node -p "try { require('$c2pa_dir/node_modules/@contentauth/c2pa-wasm/package.json').version } catch { '' }")
if [[ "$have" != "$wanted" ]]; then
  echo "setup: installing @contentauth/c2pa-wasm $wanted into tests/safety/c2pa (npm ci)"
  (cd "$c2pa_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
