#!/usr/bin/env bash
# The README's test command: installs what is missing, builds the release and
# the sanitizer (ASan + UBSan) configurations, runs the whole suite under
# both, runs the concurrency and server tests under ThreadSanitizer, then
# builds the libFuzzer harnesses and runs each for a bounded time.
# CI (.ci/run) calls exactly this. Set SKY_FUZZ_SECONDS to change the fuzz time.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
jobs=$(nproc)
start=$(date +%s)

echo "== release build and tests"
cmake --preset release >/dev/null
cmake --build --preset release -j"$jobs"
ctest --preset release -j"$jobs"

echo "== sanitizer build (ASan + UBSan) and tests"
cmake --preset asan >/dev/null
cmake --build --preset asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --preset asan -j"$jobs"

echo "== ThreadSanitizer build and the concurrency and server tests"
# Not the SIGKILL crash test nor the shell's terminal tests: they check
# durability and the client, run in the steps above, and took 4 of this
# step's 4.5 minutes under TSan.
cmake --preset tsan >/dev/null
cmake --build --preset tsan -j"$jobs"
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions="$PWD/tests/tsan.supp" SKY_SLOW_TESTS=1 \
  ctest --preset tsan -j"$jobs" -R 'concurrency|server|jit_cache|select' -E 'e2e_crash|e2e_shell'

echo "== fuzzing"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$jobs"
tools/fuzz.sh "${SKY_FUZZ_SECONDS:-30}"

echo "== all tests passed in $(( $(date +%s) - start ))s"
