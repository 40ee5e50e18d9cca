#!/usr/bin/env bash
# Installs what commissim needs and is missing: GSL (libgsl-dev) and pkg-config from Debian;
# with --python, also the Python package (python/: reports, SALib, EMA Workbench) and the plots'
# dependencies into .venv/; with --browser too, Chromium (the report's headless-browser test).
# Safe to run repeatedly; uses sudo when not root.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
need=()
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
if ! pkg-config --exists gsl 2>/dev/null; then need+=(libgsl-dev); fi
for a in "$@"; do
  if [ "$a" = "--browser" ] && ! command -v chromium >/dev/null 2>&1; then need+=(chromium); fi
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} (apt-get)" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v swift >/dev/null 2>&1 || { echo "swift (Swift 6) is not on PATH: install the Swift toolchain from swift.org first" >&2; exit 1; }
if [ "${1:-}" = "--python" ]; then
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv 2>/dev/null || { $SUDO apt-get install -y -qq python3-venv >/dev/null; python3 -m venv .venv; }
  fi
  .venv/bin/python -m pip install -q --disable-pip-version-check -r scripts/requirements.txt -r python/requirements.txt ./python
fi
