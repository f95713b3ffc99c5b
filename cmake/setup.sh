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
  # world
  libbox2d-dev libcairo2-dev
  # studio
  qt6-base-dev xvfb
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
)

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
