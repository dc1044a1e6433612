#!/usr/bin/env bash
# The path statements on the file the peers were measured on
# (../shared/bench/README.md): builds gen_events, writes N events with
# seed 42 (default 10M), LOADs them and runs bench_paths.
# Usage: bench/paths.sh [events] [gen_events.c] [extra bench_paths options]
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-10000000}
gen_src=${2:-../shared/bench/gen_events.c}
shift $(( $# < 2 ? $# : 2 ))
cmake --preset release >/dev/null
cmake --build --preset release -j2 --target bench_paths >/dev/null
out=build/release/bench-paths
mkdir -p "$out"
csv="$out/events_${events}.csv"
if [ ! -s "$csv" ]; then
  cc -O2 -o "$out/gen_events" "$gen_src" -lm
  "$out/gen_events" "$events" 42 > "$csv"
fi
echo "== $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
build/release/bench/bench_paths --csv "$(realpath "$csv")" --dir "$out/$events" "$@"
