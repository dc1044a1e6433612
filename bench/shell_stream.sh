#!/usr/bin/env bash
# Peak memory of sky-shell printing a 1,000,000-row result (issue 13, "the
# shell streams large results"): one million events, four per object, each
# a distinct (object, timestamp), then
#   SELECT object, timestamp, count() GROUP BY object, timestamp
# printed through a real skyd in each format and in embedded mode, each
# under /usr/bin/time; plus the baselines the e2e test uses (the shell on a
# one-row answer; embedded, the same query with a HAVING that keeps no row).
# Usage: bench/shell_stream.sh [build dir, default build/release]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(cd "${1:-build/release}" && pwd)
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
python3 - "$dir/ev.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("object,timestamp,note\n")
    f.writelines("%d,%d,n%d\n" % (i // 4 + 1, 1767571200000000 + i * 1000003, i % 7) for i in range(1000000))
PY
"$bin/skyd" --data "$dir/data" --listen 127.0.0.1:0 --load-dir "$dir" >"$dir/skyd.log" 2>&1 &
pid=$!
until port=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$dir/skyd.log" | cut -d: -f2) && [ -n "$port" ]; do sleep 0.1; done
"$bin/sky-shell" -p "$port" -c "CREATE TABLE t (note EVENT STRING)" -c "LOAD 'ev.csv' INTO t" >/dev/null
big="SELECT object, timestamp, count() GROUP BY object, timestamp"
measure() { # label, then sky-shell's arguments
  local label=$1
  shift
  /usr/bin/time -f "$label: %M KB peak, %e s (%U s user)" "$bin/sky-shell" "$@" 2>&1 >/dev/null | tail -1
}
echo "== $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
measure "remote, one row" -p "$port" --table t --format csv -c "SELECT count()"
for fmt in csv json table; do measure "remote, $fmt" -p "$port" --table t --format "$fmt" -c "$big"; done
kill "$pid"
wait "$pid" 2>/dev/null || true
pid=
measure "embedded, no rows" --data "$dir/data" --table t --format csv -c "$big HAVING count() > 1"
for fmt in csv table; do measure "embedded, $fmt" --data "$dir/data" --table t --format "$fmt" -c "$big"; done
