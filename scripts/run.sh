#!/usr/bin/env bash
# The main job: install what is missing, build, then check the shipped
# configurations and scenarios and show the result.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/build.sh release >/dev/null

bin=build/release/sim/vrrpsim
status=0
echo "== vrrpsim lint: the seed's keepalived configurations (scenarios/seed/configs)"
"$bin" lint scenarios/seed/configs/*.conf || status=$?
exit $status
