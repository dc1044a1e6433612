"""e2e_concurrency.py — 200 clients at once on one skyd: a quarter stream
LOADs (each its own batch of rows), the rest run queries meanwhile. Every
answer must be right: a reader never sees part of a load (counts are always
whole batches and never go down), and at the end every batch is complete."""
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from skytest import Skyd, run_tests

CLIENTS = 200
LOADERS = 50
ROWS = 400


def test_200_clients_loading_and_querying():
    with Skyd() as s:
        c = s.connect()
        c.ok("CREATE TABLE t (batch EVENT INT)")
        errors, done = [], threading.Event()
        barrier = threading.Barrier(CLIENTS)

        def loader(i):
            conn = s.connect()
            barrier.wait()
            r = conn.req("LOAD INTO t FORMAT CSV FROM STDIN")
            assert r == {"ok": True, "ready": True}, r
            rows = "".join("%d,%d,e,%d\n" % (i * 1000 + k % 97 + 1, k, i) for k in range(ROWS))
            conn.send("object,timestamp,action,batch\n" + rows + "\\.\n")
            r = conn.reply()
            assert r["ok"] and r["rows_affected"] == ROWS, r
            r = conn.ok("SELECT count() FROM t WHERE batch = %d" % i)
            assert r["rows"][0][0] == ROWS, r
            r = conn.ok("SELECT objects() FROM t WHERE batch = %d" % i)
            assert r["rows"][0][0] == 97, r

        def reader(i):
            conn = s.connect()
            conn.ok("USE t")
            barrier.wait()
            last = 0
            while not done.is_set():
                r = conn.ok("SELECT count()")
                n = r["rows"][0][0]
                assert n % ROWS == 0 and n >= last, (n, last)
                last = n
                r = conn.ok("SELECT batch, count() GROUP BY batch")
                assert all(row[1] == ROWS for row in r["rows"]), r

        def run(fn, i):
            try:
                fn(i)
            except Exception as e:  # collected, reported below
                errors.append("%s %d: %r" % (fn.__name__, i, e))
                if barrier.n_waiting:
                    barrier.abort()

        loaders = [threading.Thread(target=run, args=(loader, i)) for i in range(LOADERS)]
        readers = [threading.Thread(target=run, args=(reader, i)) for i in range(CLIENTS - LOADERS)]
        for t in loaders + readers:
            t.start()
        for t in loaders:
            t.join()
        done.set()
        for t in readers:
            t.join()
        assert not errors, errors[:5]
        r = c.ok("SELECT count(), objects() FROM t")
        assert r["rows"][0] == [LOADERS * ROWS, LOADERS * 97], r
        r = c.ok("SHOW TABLES")
        assert r["rows"][0][1] == LOADERS * ROWS, r
        assert s.stop() == 0


if __name__ == "__main__":
    run_tests(globals())
