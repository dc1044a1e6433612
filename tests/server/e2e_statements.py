"""e2e_statements.py — every statement kind through skyd over TCP, with
the protocol's guarantees around them: USE is per connection, 64-bit ids
come back exactly, LOAD ... FROM STDIN streams (CRLF too), a bad streamed
row is reported once after the "\\." line, a client that disconnects
mid-stream or breaks the line limit loads nothing, LOAD's path rules, the
result-size limit, and SIGTERM during loads keeping every acknowledged
load and never a partial one."""
import json
import os
import random
import signal
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from skytest import SLOW, Skyd, make_users, run_tests, scratch, wait_for

BIG = 18446744073709551615


def count(c, table="t", where=""):
    r = c.ok("SELECT count() FROM %s%s" % (table, (" WHERE " + where) if where else ""))
    return r["rows"][0][0]


def test_every_statement_kind():
    d = scratch("stmts-")
    load_dir = os.path.join(d, "files")
    os.makedirs(load_dir)
    with open(os.path.join(load_dir, "more.csv"), "w") as f:
        f.write("object,timestamp,action,plan,price\n3,100,signup,pro,\n3,200,purchase,,12.5\n4,150,view,,\n")
    with open(os.path.join(load_dir, "errs.ndjson"), "w") as f:
        f.write('{"object":6,"timestamp":1,"action":"a"}\n{"object":0,"timestamp":2,"action":"b"}\n'
                '{"object":7,"timestamp":"nope","action":"c"}\n{"object":8,"timestamp":3,"action":"d"}\n')
    with Skyd("--load-dir", load_dir, workdir=d) as s:
        c = s.connect()
        c.ok("CREATE TABLE t (plan STATE STRING, price EVENT FLOAT)")
        c.err("CREATE TABLE t", "already_exists")
        c.ok("ALTER TABLE t ADD qty EVENT INT")
        r = c.ok("SHOW TABLES")
        assert r["columns"] == ["table", "events", "objects"] and r["rows"] == [["t", 0, 0]], r
        r = c.ok("DESCRIBE t")
        assert [row[0] for row in r["rows"]] == ["plan", "price", "qty"], r
        assert [row[1].upper() for row in r["rows"]] == ["STATE", "EVENT", "EVENT"], r
        c.err("SELECT count()", "unknown_table")
        c.ok("USE t")
        r = c.ok("INSERT INTO t (object, timestamp, action, plan, qty) VALUES "
                 "(1, 10, 'signup', 'free', NULL), (%d, 20, 'signup', 'pro', 3)" % BIG)
        assert r["rows_affected"] == 2, r
        assert count(c) == 2
        other = s.connect()
        other.err("SELECT count()", "unknown_table")  # USE belongs to the connection
        assert count(other) == 2
        r = c.ok("LOAD 'more.csv' INTO t")
        assert r["rows_affected"] == 3, r
        r = c.ok("LOAD 'errs.ndjson' INTO t MAX ERRORS 2")
        assert r["rows_affected"] == 2 and len(r["errors"]) == 2, r
        assert [e["line"] for e in r["errors"]] == [2, 3], r
        c.err("LOAD 'errs.ndjson' INTO t MAX ERRORS 1", "bad_value")
        assert count(c) == 7
        assert c.req("LOAD INTO t FORMAT CSV FROM STDIN") == {"ok": True, "ready": True}
        c.send(b"object,timestamp,action,qty\r\n5,30,buy,2\r\n5,31,buy,3\r\n\\.\r\n")
        r = c.reply()
        assert r["ok"] and r["rows_affected"] == 2, r
        raw_line = c.req("GET OBJECT %d" % BIG)
        assert raw_line["ok"] and len(raw_line["rows"]) == 1, raw_line
        c.send("SELECT object, count() FROM t GROUP BY object\n")
        line = c.line()
        assert b"18446744073709551615" in line, line  # printed exactly, not as a float
        r = json.loads(line)
        assert [BIG, 1] in r["rows"], r
        r = c.ok("GET OBJECT 3 AS OF 150")
        assert r["rows"][0][0] == 100 and "pro" in r["rows"][0], r
        r = c.ok("SELECT state.plan, count(), sum(qty) GROUP BY state.plan")
        assert r["columns"] == ["state.plan", "count()", "sum(qty)"], r
        r = c.ok("EXPLAIN SELECT count() WHERE action = 'buy'")
        assert r["rows"], r
        r = c.ok("EXPLAIN IR SELECT count() WHERE action = 'buy'")
        assert r["rows"], r
        c.ok("DELETE OBJECT 5 FROM t")
        assert count(c) == 7
        r = c.err("SELECT count() FROM t GROPU BY plan", "syntax_error")
        assert r["error"]["line"] == 1 and r["error"]["column"] == 23, r
        r = c.err("  SELECT nope FROM t", "unknown_property")
        assert r["error"]["column"] == 10, r  # leading blanks count: columns match the line sent
        c.ok("DROP TABLE t")
        c.err("DROP TABLE t", "unknown_table")
        assert s.stop() == 0


def test_stream_bad_row_is_reported_once_after_the_end():
    with Skyd() as s:
        c = s.connect()
        c.ok("CREATE TABLE t (qty EVENT INT)")
        c.ok("INSERT INTO t (object, timestamp, qty) VALUES (1, 1, 1)")
        assert c.req("LOAD INTO t FORMAT CSV FROM STDIN")["ready"]
        rows = ["object,timestamp,qty"] + ["%d,%d,%d" % (i + 2, i, i) for i in range(1000)]
        rows.insert(500, "9,9,notanumber")
        c.send("\n".join(rows) + "\nPING\n\\.\n")
        r = c.reply()
        assert r["ok"] is False and r["error"]["code"] == "bad_value" and r["error"]["line"] == 501, r
        c.ok("PING")  # exactly one reply: the stream's lines were not taken as requests
        assert count(c) == 1
        # NDJSON works the same way.
        assert c.req("LOAD INTO t FORMAT NDJSON FROM STDIN")["ready"]
        c.send('{"object":3,"timestamp":5,"qty":2}\n{"object":4,"timestamp":6,"action":"x","qty":null}\n\\.\n')
        r = c.reply()
        assert r["ok"] and r["rows_affected"] == 2, r
        c.err("LOAD INTO nowhere FORMAT CSV FROM STDIN", "unknown_table")
        c.ok("PING")


def test_pipelined_statements_stream_and_quit():
    with Skyd() as s:
        c = s.connect()
        c.send("CREATE TABLE p\nSHOW TABLES\nLOAD INTO p FORMAT CSV FROM STDIN\nobject,timestamp,action\n"
               "1,1,SELECT\n2,2,PING\nQUIT\n\\.\nSELECT count() FROM p\nPING\nSELEC\nQUIT\nSHOW TABLES\n")
        assert c.reply()["ok"]
        assert c.reply()["rows"] == [["p", 0, 0]]
        assert c.reply() == {"ok": True, "ready": True}
        r = c.reply()  # the data lines were data, whatever they looked like
        assert r["ok"] is False and r["error"]["code"] == "bad_value" and r["error"]["line"] == 4, r
        assert c.reply()["rows"] == [[0]]
        assert c.reply()["pong"]
        assert c.reply()["error"]["code"] == "syntax_error"
        assert c.reply() == {"ok": True}
        assert c.at_eof()  # nothing after QUIT ran
        c = s.connect()
        c.send("LOAD INTO p FORMAT CSV FROM STDIN\nobject,timestamp,action\n1,1,SELECT\n\\.\nSELECT count() FROM p\n")
        assert c.reply()["ready"]
        assert c.reply()["rows_affected"] == 1
        assert c.reply()["rows"] == [[1]]


def test_disconnect_mid_stream_loads_nothing():
    with Skyd("--max-line", "4KiB") as s:
        c = s.connect()
        c.ok("CREATE TABLE t (qty EVENT INT)")
        for how in ("close", "reset", "too_long", "half_close"):
            closes = s.log().count(" close ")
            d = s.connect()
            assert d.req("LOAD INTO t FORMAT CSV FROM STDIN")["ready"]
            d.send("object,timestamp,qty\n" + "".join("%d,%d,1\n" % (i + 1, i) for i in range(20000)))
            if how == "reset":
                d.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                d.close()
            elif how == "too_long":
                d.send(b"1," + b"9" * 5000 + b"\n\\.\n")
                assert d.reply()["error"]["code"] == "line_too_long"
                assert d.at_eof()
            elif how == "half_close":
                d.sock.shutdown(socket.SHUT_WR)
                r = d.reply()
                assert r["error"]["code"] == "bad_request" and "nothing was loaded" in r["error"]["message"], r
                assert d.at_eof()
            else:
                d.close()
            wait_for(lambda: s.log().count(" close ") > closes, 10, "the close of the loading connection")
            assert count(c) == 0, how
        c.ok("PING")


def test_load_path_rules():
    d = scratch("paths-")
    load_dir = os.path.join(d, "files")
    os.makedirs(load_dir)
    outside = os.path.join(d, "outside.csv")
    for path in (outside, os.path.join(load_dir, "in.csv")):
        with open(path, "w") as f:
            f.write("object,timestamp,action\n1,1,a\n")
    users = os.path.join(d, "users")
    make_users(users, {"u": "p"})
    with Skyd("--users", users, "--load-dir", load_dir, workdir=d) as s:
        c = s.connect()
        c.ok("AUTH u p")
        c.ok("CREATE TABLE t")
        c.ok("LOAD 'in.csv' INTO t")
        r = c.req("LOAD '%s' INTO t" % outside)
        assert r["ok"] is False, r
        r = c.req("LOAD '../outside.csv' INTO t")
        assert r["ok"] is False, r
        assert count(c) == 1
    with Skyd(workdir=d) as s:  # no users: any path, relative to skyd's directory
        c = s.connect()
        c.ok("CREATE TABLE t2")
        c.ok("LOAD 'outside.csv' INTO t2")
        c.ok("LOAD '%s' INTO t2" % os.path.join(load_dir, "in.csv"))
        assert count(c, "t2") == 2


def test_result_row_limit():
    with Skyd("--max-result-rows", "2") as s:
        c = s.connect()
        c.ok("CREATE TABLE t")
        c.ok("INSERT INTO t (object, timestamp, action) VALUES (1, 1, 'a'), (2, 1, 'a'), (3, 1, 'a')")
        c.err("SELECT object, count() FROM t GROUP BY object", "result_too_large")
        r = c.ok("SELECT object, count() FROM t GROUP BY object LIMIT 2")
        assert len(r["rows"]) == 2
        other = s.connect()
        other.ok("PING")


def stream_batch(conn, table, batch, n):
    """One LOAD stream of n rows tagged with `batch`; True when acknowledged."""
    r = conn.req("LOAD INTO %s FORMAT CSV FROM STDIN" % table)
    if not r.get("ready"):
        return False
    rows = "".join("%d,%d,load,%d\n" % (batch * 100000 + i + 1, i, batch) for i in range(n))
    conn.send("object,timestamp,action,batch\n" + rows[: len(rows) // 2])
    conn.send(rows[len(rows) // 2:] + "\\.\n")
    r = conn.reply()
    return r.get("ok") is True and r.get("rows_affected") == n


def batch_counts(c, table="t"):
    r = c.ok("SELECT batch, count() FROM %s GROUP BY batch" % table)
    return {row[0]: row[1] for row in r["rows"]}


def sigterm_during_loads(grace):
    """Loads stream from 6 clients; SIGTERM; then every acknowledged load is
    there in full after a restart, and no load in part."""
    d = scratch("termload-")
    with Skyd("--shutdown-grace", grace, workdir=d) as s:
        c = s.connect()
        c.ok("CREATE TABLE t (batch EVENT INT)")
        acked, lock, stop = set(), threading.Lock(), threading.Event()
        next_batch = [1]

        def loader():
            try:
                conn = s.connect()
                while not stop.is_set():
                    with lock:
                        b = next_batch[0]
                        next_batch[0] += 1
                    if stream_batch(conn, "t", b, 2000):
                        with lock:
                            acked.add(b)
            except (OSError, EOFError, ValueError, AssertionError):
                pass  # the server went away mid-request: that batch is not acknowledged

        threads = [threading.Thread(target=loader) for _ in range(6)]
        for t in threads:
            t.start()
        time.sleep(1.5 * SLOW)
        assert s.stop(signal.SIGTERM) == 0
        stop.set()
        for t in threads:
            t.join()
        assert acked, "no load was acknowledged before SIGTERM"
        assert "stopped; all acknowledged writes are durable" in s.log()
    with Skyd(data=os.path.join(d, "data"), workdir=d) as s:
        counts = batch_counts(s.connect())
        assert all(counts.get(b) == 2000 for b in acked), (sorted(acked), counts)
        assert all(n == 2000 for n in counts.values()), counts  # never a partial load
        assert s.stop() == 0


def test_sigterm_during_loads_keeps_acknowledged():
    sigterm_during_loads("5s")  # streams in progress may finish


def test_sigterm_without_grace_cancels_cleanly():
    sigterm_during_loads("0")  # streams in progress are discarded at once


if __name__ == "__main__":
    run_tests(globals())
