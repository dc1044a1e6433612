#!/usr/bin/env bash
# The README's run command: installs what is missing, builds the release
# configuration, starts skyd on ./data (creating a demo table `events` with
# about 1M generated events the first time), and opens sky-shell on it with
# `events` as the current table (so `SELECT count()` works at once).
# Running it again reuses the data. Quitting the shell stops skyd.
# Environment: SKY_PORT (default 8585), SKY_DATA (default ./data).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
jobs=$(nproc)
cmake --preset release >/dev/null
cmake --build --preset release -j"$jobs" --target skyd sky-shell sky-gen >/dev/null

bin=build/release
port=${SKY_PORT:-8585}
data=${SKY_DATA:-$PWD/data}
mkdir -p "$data"

"$bin/skyd" --data "$data" --listen "127.0.0.1:$port" --load-dir "$data" 2>>"$data/skyd.log" &
skyd_pid=$!
trap 'kill "$skyd_pid" 2>/dev/null; wait "$skyd_pid" 2>/dev/null || true' EXIT

shell=("$bin/sky-shell" -h 127.0.0.1 -p "$port")
for _ in $(seq 1 100); do
  "${shell[@]}" -c "PING" >/dev/null 2>&1 && break
  kill -0 "$skyd_pid" 2>/dev/null || { echo "skyd did not start; see $data/skyd.log" >&2; exit 1; }
  sleep 0.1
done

if ! "${shell[@]}" -c "DESCRIBE events" >/dev/null 2>&1; then
  echo "Creating the demo table 'events' (1,000,000 generated events)..."
  "$bin/sky-gen" --events 1000000 --seed 42 --format csv --out "$data/demo-events.csv"
  "${shell[@]}" -c "$("$bin/sky-gen" --ddl)" -c "LOAD 'demo-events.csv' INTO events"
  rm -f "$data/demo-events.csv"
fi

cat <<MSG

skyd is running on 127.0.0.1:$port (data in $data); the shell starts on the demo table "events". Try:

  SELECT count(), objects(), min(timestamp), max(timestamp) - min(timestamp);
  SELECT state.plan, count(), objects() WHERE action = 'purchase' GROUP BY state.plan;
  SELECT state.country, sessions() GROUP BY state.country WITHIN SESSION 30m ORDER BY 2 DESC LIMIT 5;
  SELECT month(timestamp), sum(price) WHERE action = 'purchase' GROUP BY month(timestamp);
  SELECT state.plan, median(price), quantile(price, 0.9) WHERE action = 'purchase' GROUP BY state.plan;
  FUNNEL action = 'view' THEN action = 'add_to_cart' THEN action = 'purchase' WITHIN 7d;
  SELECT month(first(timestamp) OVER OBJECT) AS cohort, objects() WHERE action = 'purchase' GROUP BY cohort;
  RETENTION FROM TRUE TO TRUE EVERY WEEK FOR 4;        (\\pivot on prints it as a triangle)
  LIFECYCLE EVERY MONTH;
  SELECT next(action), count() WHERE action = 'add_to_cart' GROUP BY next(action) ORDER BY 2 DESC;
  PATHS AFTER action = 'add_to_cart' STEPS 3;
  SELECT state.plan, objects() AS OF '2026-03-01' GROUP BY state.plan;
  SELECT state.plan, sum(duration()) DURING '2026-03-01' TO '2026-04-01' GROUP BY state.plan;

\\help lists the shell's commands; Ctrl-C cancels a running statement; \\q quits (and stops skyd).
MSG
"${shell[@]}" --table events
