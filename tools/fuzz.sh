#!/usr/bin/env bash
# Runs every libFuzzer harness of the fuzz build for a bounded time each,
# starting from (and adding to a scratch copy of) its saved corpus.
# fuzz_query (generated SELECT and FUNNEL statements on both engines) opens
# a database under $SKY_TEST_TMP, here the build tree's test-tmp.
# Usage: tools/fuzz.sh [seconds per harness, default 30]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
build=$PWD/build/fuzz
export SKY_TEST_TMP="$build/test-tmp"
mkdir -p "$SKY_TEST_TMP"
status=0
for bin in "$build"/tests/fuzz/fuzz_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  work=$(mktemp -d)
  [ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$work/"
  echo "fuzz: $name for ${secs}s"
  if ! (cd "$build" && "$bin" -max_total_time="$secs" -rss_limit_mb=4096 \
        -artifact_prefix="$build/$name-" -print_final_stats=1 "$work" >"$build/$name.log" 2>&1); then
    echo "fuzz: $name FAILED; see $build/$name.log and $build/$name-*" >&2
    tail -40 "$build/$name.log" >&2
    status=1
  else
    grep -E 'stat::number_of_executed_units|Done' "$build/$name.log" | tail -2
  fi
  rm -rf "$work"
done
exit $status
