#!/usr/bin/env bash
# Sets up a fresh Debian bookworm machine for moec: system packages (Mesa lavapipe from
# bookworm-backports, so WebGPU has a Vulkan adapter on the CPU) and the pinned npm dependencies
# from package-lock.json. Idempotent: a second run is quick.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "setup: done (node $(node --version))"
