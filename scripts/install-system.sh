#!/usr/bin/env bash
# Installs the system packages moec needs on Debian bookworm: Mesa's lavapipe Vulkan driver from
# bookworm-backports (Mesa >= 24 gives Dawn a core-feature WebGPU adapter on the CPU) plus the
# Vulkan loader. Idempotent; safe to re-run. Needs root (CI runs as root). The backports source is
# derived from the machine's own configured Debian source (same mirror and key; see
# scripts/apt-backports.sh), never a hard-coded mirror.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/apt-backports.sh"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-system: no apt-get here; install Mesa >= 24 (lavapipe) and the Vulkan loader yourself" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
if ! has_backports / bookworm; then
  stanza="$(backports_stanza / bookworm)"
  printf '%s\n' "$stanza" | $SUDO tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null
  echo "install-system: added /etc/apt/sources.list.d/bookworm-backports.sources from your Debian source"
fi
export DEBIAN_FRONTEND=noninteractive
if ! dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | grep -qE '^(2[4-9]|[3-9][0-9])\.'; then
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers libvulkan1 >/dev/null
fi
echo "install-system: mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers)"
# Headless Chromium for the report's browser test (test/report/report.test.ts renders report.html
# with `chromium --headless --dump-dom`/`--screenshot`).
if ! command -v chromium >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq chromium >/dev/null
fi
echo "install-system: chromium $(dpkg-query -W -f='${Version}' chromium 2>/dev/null || echo '(not a Debian package)')"
