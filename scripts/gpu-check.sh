#!/usr/bin/env bash
# Real-GPU check (`npm run bench:gpu`): the bench's WebGPU rows in headless Chromium with WebGPU
# on Vulkan, with the adapter printed (a software adapter is detected and reported as such).
# Needs only this repository, its node_modules and a Chromium; fits in a 10-minute slot
# (GPU_CHECK_TIMEOUT seconds, default 540). Writes bench-results/gpu/gpu-check.{json,md}.
# Exit status: 0 hardware adapter measured, 2 software adapter, 3 no adapter, 1 failure, 124 timeout.
#   bash scripts/gpu-check.sh [--help | bench/gpu-check.ts flags]
#   CHROMIUM_PATH=/path/to/chrome GPU_CHECK_ARGS="--use-vulkan=native" bash scripts/gpu-check.sh
set -uo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/tsx ]; then
  echo "gpu-check: node_modules/.bin/tsx missing: copy node_modules next to package.json (npm ci)" >&2
  exit 1
fi
if [ -z "${CHROMIUM_PATH:-}" ]; then
  for c in /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome /usr/bin/google-chrome-stable; do
    if [ -x "$c" ]; then CHROMIUM_PATH=$c; break; fi
  done
fi
if [ -z "${CHROMIUM_PATH:-}" ] || [ ! -x "$CHROMIUM_PATH" ]; then
  echo "gpu-check: no Chromium found: set CHROMIUM_PATH (Debian: apt-get install -y chromium)" >&2
  exit 1
fi
export CHROMIUM_PATH

echo "== machine"
date -u +%FT%TZ
uname -srm
echo "load average: $(cat /proc/loadavg 2>/dev/null)"
echo "node $(node --version); $("$CHROMIUM_PATH" --version 2>/dev/null)"
echo "== GPU"
if command -v nvidia-smi >/dev/null 2>&1; then nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true; else echo "no nvidia-smi"; fi
ls /usr/share/vulkan/icd.d /etc/vulkan/icd.d 2>/dev/null || echo "no Vulkan ICD files found (the GPU's Vulkan driver is needed for WebGPU on Linux)"
if command -v vulkaninfo >/dev/null 2>&1; then vulkaninfo --summary 2>/dev/null | grep -E 'deviceName|driverName|apiVersion' || true; fi

# The bench data (public/data) is generated from node_modules; make it once if missing.
if [ ! -f public/data/index.json ] || [ ! -f public/data/mnist-test-images.idx ]; then
  echo "== preparing public/data"
  node_modules/.bin/tsx scripts/prepare-data.ts || exit 1
fi

echo "== running bench/gpu-check.ts (limit ${GPU_CHECK_TIMEOUT:-540} s)"
timeout --kill-after=20 "${GPU_CHECK_TIMEOUT:-540}" node_modules/.bin/tsx bench/gpu-check.ts "$@"
code=$?
[ $code -eq 124 ] && echo "gpu-check: timed out after ${GPU_CHECK_TIMEOUT:-540} s" >&2
exit $code
