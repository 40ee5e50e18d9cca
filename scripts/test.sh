#!/usr/bin/env bash
# The whole test suite: installs what is missing, then runs `swift test` with optimisation
# (the statistical tests run hundreds of simulated years) and testing enabled.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release -Xswiftc -enable-testing
swift test -c release -Xswiftc -enable-testing "$@"
