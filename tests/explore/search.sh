# Sourced by the shard tests: the search they shard, and the binary.
# Sets BUILD (absolute), VRRPSIM, SHARDS, RUNS, SEED, SCENARIO, DURATION.
BUILD="${1:-build/release}"
[[ "${BUILD}" == /* ]] || BUILD="${PWD}/${BUILD}"
VRRPSIM="${BUILD}/sim/vrrpsim"
SHARDS=4
RUNS=400
SEED=7
SCENARIO="scenarios/explore/master-backup.yaml"
DURATION=()
