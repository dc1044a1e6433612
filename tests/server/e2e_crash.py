"""e2e_crash.py — 30+ rounds of SIGKILL while clients stream LOADs over
TCP (each load of a distinct size), on one data directory. After each
restart (which must answer within seconds) every acknowledged load is there
in full, and no load is ever visible in part."""
import os
import random
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from skytest import SLOW, Skyd, run_tests, scratch

ROUNDS = int(os.environ.get("SKY_CRASH_ROUNDS", "30"))
LOADERS = 4


def batch_rows(batch):
    """Loads have distinct sizes (any 1000 consecutive ones, far more than
    can be in flight at one kill), so a partial one shows in its count
    even without its batch column; sizes stay bounded as batches grow."""
    return 100 + batch % 1000


def stream_batch(conn, batch):
    r = conn.req("LOAD INTO t FORMAT CSV FROM STDIN")
    if not r.get("ready"):
        return False
    n = batch_rows(batch)
    rows = "".join("%d,%d,e,%d\n" % (batch * 1000 + k % 50 + 1, k, batch) for k in range(n))
    half = len(rows) // 2
    conn.send("object,timestamp,action,batch\n" + rows[:half])
    conn.send(rows[half:] + "\\.\n")
    r = conn.reply()
    return r.get("ok") is True and r.get("rows_affected") == n


def check(s, acked):
    c = s.connect()
    r = c.ok("SELECT batch, count() FROM t GROUP BY batch")
    counts = {row[0]: row[1] for row in r["rows"]}
    partial = {b: n for b, n in counts.items() if n != batch_rows(b)}
    assert not partial, "partial loads visible: %s" % partial
    missing = sorted(b for b in acked if b not in counts)
    assert not missing, "acknowledged loads lost: %s" % missing
    c.close()
    return len(counts)


def test_sigkill_during_loads():
    d = scratch("crash-")
    data = os.path.join(d, "data")
    rng = random.Random(2026)
    acked, lock = set(), threading.Lock()
    next_batch = [1]
    for rnd in range(ROUNDS):
        t0 = time.monotonic()
        with Skyd(data=data, workdir=d) as s:
            started = time.monotonic() - t0
            assert started < 10 * SLOW, "restart took %.1fs" % started
            if rnd == 0:
                s.connect().ok("CREATE TABLE t (batch EVENT INT)")
            check(s, acked)

            def loader():
                try:
                    conn = s.connect()
                    while True:
                        with lock:
                            b = next_batch[0]
                            next_batch[0] += 1
                        if stream_batch(conn, b):
                            with lock:
                                acked.add(b)
                except (OSError, EOFError, ValueError):
                    pass  # killed mid-request: that batch was never acknowledged

            threads = [threading.Thread(target=loader) for _ in range(LOADERS)]
            for t in threads:
                t.start()
            time.sleep(rng.uniform(0.1, 0.8) * SLOW)
            s.proc.kill()
            s.proc.wait()
            for t in threads:
                t.join()
    with Skyd(data=data, workdir=d) as s:
        present = check(s, acked)
        assert len(acked) >= ROUNDS, "too few loads acknowledged to mean anything: %d" % len(acked)
        print("  %d rounds, %d loads acknowledged, %d visible" % (ROUNDS, len(acked), present))
        assert s.stop() == 0


if __name__ == "__main__":
    run_tests(globals())
