#!/usr/bin/env bash
# Times whole statements whose compiling used to take seconds to minutes
# (issue 13 item 1), each in a fresh sky-shell process on a two-row table
# (so the time is parse, bind, compile and process start): long FLOAT,
# INT and timestamp IN lists, 256 sum(n + i), and a long IN with one item
# that is not a constant (over the compile budget: the interpreter runs it).
# Usage: bench/compile_shapes.sh [build dir, default build/release]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/release}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
shell() { "$bin/sky-shell" --data "$dir/data" "$@" >/dev/null; }
shell -c "CREATE TABLE t (price EVENT FLOAT, n EVENT INT)" \
      -c "INSERT INTO t (object, timestamp, action, price, n) VALUES (1, 1, 'a', 2.5, 3), (2, 2, 'b', 7, 8)"
python3 - "$dir" <<'PY'
import datetime, sys
d = sys.argv[1]
def w(name, q):
    open("%s/%s.sql" % (d, name), "w").write(q + ";\n")
nums = lambda n, step=1: ", ".join(str(i * step) for i in range(n))
t0 = datetime.datetime(2026, 1, 1)
w("float_in_2000", "SELECT count() FROM t WHERE price IN (%s)" % nums(2000))
w("float_in_20000", "SELECT count() FROM t WHERE price IN (%s)" % nums(20000))
w("int_in_2000_spread", "SELECT count() FROM t WHERE n IN (%s)" % nums(2000, 7919))
w("timestamp_in_4000", "SELECT count() FROM t WHERE timestamp IN (%s)" %
  ", ".join("'%sZ'" % (t0 + datetime.timedelta(seconds=37 * i)).isoformat() for i in range(4000)))
w("sum_256", "SELECT %s FROM t" % ", ".join("sum(n + %d)" % i for i in range(256)))
w("float_in_2000_not_constant", "SELECT count() FROM t WHERE price IN (%s, price + 1)" % nums(2000))
PY
echo "== $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
for q in float_in_2000 float_in_20000 int_in_2000_spread timestamp_in_4000 sum_256 float_in_2000_not_constant; do
  /usr/bin/time -f "$q %e s, %M KB peak" "$bin/sky-shell" --data "$dir/data" -f "$dir/$q.sql" 2>&1 >/dev/null | tail -1
done
