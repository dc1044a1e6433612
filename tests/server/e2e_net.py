"""e2e_net.py — skyd's connection layer end to end: real processes on free
ports, raw TCP. PING/QUIT, AUTH with a users file made by sky-user,
pipelining, every limit (line length, clients, idle time) hitting only its
own client, hostile bytes, stalled clients, half-closed input, the
non-loopback refusal, options and config errors, logging, and SIGTERM."""
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from skytest import (SKYD, SKY_USER, SLOW, Conn, Skyd, make_users, run_tests, scratch, wait_for)


def test_ping_and_quit():
    with Skyd() as s:
        c = s.connect()
        assert c.req("PING") == {"ok": True, "pong": True}
        assert c.req("ping;") == {"ok": True, "pong": True}
        c.send("PING\r\n")
        assert c.reply() == {"ok": True, "pong": True}
        assert c.req("QUIT") == {"ok": True}
        assert c.at_eof()
        assert s.stop() == 0


def test_options():
    out = subprocess.run([SKYD, "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "usage: skyd" in out.stdout and "--max-clients" in out.stdout
    out = subprocess.run([SKYD, "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("skyd ")
    d = scratch("opts-")
    for args in (["--bogus", "1"], ["--max-clients", "zero"], ["--listen", "nowhere"], ["positional"],
                 ["--config", os.path.join(d, "missing.conf")]):
        out = subprocess.run([SKYD, "--data", os.path.join(d, "data")] + args, capture_output=True, text=True)
        assert out.returncode == 2, (args, out.returncode, out.stderr)
        assert "error:" in out.stderr
    conf = os.path.join(d, "bad.conf")
    with open(conf, "w") as f:
        f.write("# fine\nmax_line = 1KiB\nnot_a_setting = 3\n")
    out = subprocess.run([SKYD, "--config", conf], capture_output=True, text=True)
    assert out.returncode == 2 and "bad.conf:3:" in out.stderr, out.stderr
    assert not os.path.exists(os.path.join(d, "data"))


def test_config_file():
    d = scratch("conf-")
    conf = os.path.join(d, "skyd.conf")
    with open(conf, "w") as f:
        f.write("# skyd test config\nlisten = 127.0.0.1:0\nmax_clients = 2   # two\nmax_line = 100\n"
                "idle_timeout = 0\nslow_query = 0ms\n")
    with Skyd("--config", conf, workdir=d) as s:
        assert "max 2 clients, max line 100 bytes" in s.log()
        a, b = s.connect(), s.connect()
        a.ok("PING")
        b.ok("PING")
        c = s.connect()
        c.err("PING", "too_many_clients")
        a.err("x" * 101, "line_too_long")
        assert s.stop() == 0


def test_non_loopback_needs_users():
    d = scratch("nonloop-")
    data = os.path.join(d, "data")
    for listen in ("0.0.0.0:0", ":0"):
        out = subprocess.run([SKYD, "--data", data, "--listen", listen], capture_output=True, text=True,
                             timeout=30 * SLOW)
        assert out.returncode == 2, out
        assert "non-loopback" in out.stderr and "--users" in out.stderr, out.stderr
    assert not os.path.exists(data), "refused before touching the data directory"
    users = os.path.join(d, "users")
    make_users(users, {"admin": "pw"})
    with Skyd("--users", users, listen="0.0.0.0:0", wait=False, workdir=d) as s:
        wait_for(lambda: " ready: " in s.log(), 30, "skyd ready")
        assert s.stop() == 0


def test_auth():
    d = scratch("auth-")
    users = os.path.join(d, "users")
    make_users(users, {"alice": "s3cret pass", "bob": "other"})
    listed = subprocess.run([SKY_USER, "list", users], capture_output=True, text=True)
    assert listed.stdout.split() == ["alice", "bob"]
    assert subprocess.run([SKY_USER, "del", users, "bob"]).returncode == 0
    assert subprocess.run([SKY_USER, "del", users, "bob"], capture_output=True).returncode == 1
    bad = subprocess.run([SKY_USER, "add", users, "bad name"], input=b"x\n", capture_output=True)
    assert bad.returncode == 1
    assert oct(os.stat(users).st_mode & 0o777) == "0o600"
    with Skyd("--users", users, workdir=d) as s:
        assert "1 users loaded" in s.log()
        c = s.connect()
        assert c.req("PING")["pong"] is True
        c.err("SHOW TABLES", "auth_required")
        c.err("AUTH alice wrong", "auth_failed")
        c.err("SHOW TABLES", "auth_required")
        c.err("AUTH bob other", "auth_failed")  # deleted
        c.err("AUTH nobody s3cret pass", "auth_failed")
        c.err("AUTH alice", "bad_request")
        c.ok("AUTH alice s3cret pass")
        c.ok("SHOW TABLES")
        # A failed AUTH afterwards drops the authentication.
        c.err("AUTH alice nope", "auth_failed")
        c.err("SHOW TABLES", "auth_required")
        # Pipelined statements stop at an AUTH, which is checked before what follows.
        c.ok("AUTH alice s3cret pass")
        c.send("SHOW TABLES\nSHOW TABLES\nAUTH alice wrong\nSHOW TABLES\n")
        assert c.reply()["ok"] and c.reply()["ok"]
        assert c.reply()["error"]["code"] == "auth_failed"
        assert c.reply()["error"]["code"] == "auth_required"
        # Pipelined: the AUTH is verified before the next line runs.
        c.send("AUTH alice s3cret pass\nSHOW TABLES\nQUIT\n")
        assert c.reply()["ok"] is True
        assert c.reply()["ok"] is True
        assert c.reply() == {"ok": True}
        assert c.at_eof()
        assert "auth failed for user 'alice'" in s.log()
        assert "s3cret" not in s.log()
        assert s.stop() == 0


def test_auth_without_users():
    with Skyd() as s:
        c = s.connect()
        r = c.ok("AUTH anyone anything")
        assert "not needed" in r["message"]
        c.ok("SHOW TABLES")


def test_pipelining_in_order():
    with Skyd() as s:
        c = s.connect()
        expected, parts = [], []
        for i in range(600):
            k = i % 5
            if k == 0:
                parts.append(b"PING\n")
                expected.append("pong")
            elif k == 1:
                parts.append(b"SHOW TABLES\n")
                expected.append("rows")
            elif k == 2:
                parts.append(b"SELEC %d\n" % i)
                expected.append("syntax_error")
            elif k == 3:
                parts.append(b"\xff\xfe %d\n" % i)
                expected.append("bad_request")
            else:
                parts.append(b"DESCRIBE no_such_table_%d\n" % i)
                expected.append("unknown_table")
        c.send(b"".join(parts))  # one write
        for i, want in enumerate(expected):
            r = c.reply()
            if want == "pong":
                assert r == {"ok": True, "pong": True}, (i, r)
            elif want == "rows":
                assert r["ok"] and r["columns"][0] == "table", (i, r)
            else:
                assert r["ok"] is False and r["error"]["code"] == want, (i, r, want)
        c.ok("PING")


def test_line_too_long_closes_only_that_client():
    with Skyd("--max-line", "1KiB") as s:
        other = s.connect()
        other.ok("PING")
        c = s.connect()
        # Exactly at the limit is a request like any other.
        r = c.req("SELEC " + "x" * (1024 - 6))
        assert r["error"]["code"] == "syntax_error", r
        c.send(b"PING\n" + b"y" * 5000 + b"\nPING\n")
        assert c.reply()["pong"] is True
        r = c.reply()
        assert r["error"]["code"] == "line_too_long", r
        assert c.at_eof()
        other.ok("PING")
        # Detected without waiting for the end of the line.
        c2 = s.connect()
        c2.send(b"z" * 3000)
        assert c2.reply()["error"]["code"] == "line_too_long"
        assert c2.at_eof()
        other.ok("PING")
        wait_for(lambda: "(line_too_long)" in s.log(), 10, "close logged")


def test_too_many_clients():
    with Skyd("--max-clients", "3") as s:
        conns = [s.connect() for _ in range(3)]
        for c in conns:
            c.ok("PING")
        extra = s.connect()
        r = extra.reply()
        assert r["error"]["code"] == "too_many_clients" and "limit 3" in r["error"]["message"], r
        assert extra.at_eof()
        conns[0].ok("QUIT")
        assert conns[0].at_eof()

        def admitted():
            c = s.connect()
            try:
                ok = c.req("PING").get("ok") is True
            except (EOFError, ConnectionError):
                ok = False
            if not ok:
                c.close()
            else:
                conns.append(c)
            return ok

        wait_for(admitted, 10, "a free client slot")
        for c in conns[1:]:
            c.ok("PING")
        assert "too many clients (limit 3)" in s.log()


def test_idle_timeout():
    with Skyd("--idle-timeout", "500ms") as s:
        idle = s.connect()
        busy = s.connect()
        t0 = time.monotonic()
        while time.monotonic() - t0 < 1.5 * SLOW:
            busy.ok("PING")
            time.sleep(0.1)
        assert idle.at_eof(5)
        busy.ok("PING")
        assert "(idle timeout)" in s.log()


def test_hostile_bytes_keep_the_connection():
    with Skyd() as s:
        c = s.connect()
        c.err(b"SELECT '\xc3\x28'", "bad_request")
        c.err(b"\x00\x01\x02", "bad_request")
        c.err(b"", "bad_request")
        c.err(b"   ", "bad_request")
        c.err(b"\xed\xa0\x80", "bad_request")
        rng = random.Random(7)
        lines = []
        for _ in range(300):
            raw = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 80))).replace(b"\n", b"")
            if raw.strip(b" \t\r\f\v") in (b"QUIT", b"quit") or raw.upper().startswith(b"QUIT"):
                continue
            lines.append(raw)
        c.send(b"\n".join(lines) + b"\n")
        for raw in lines:
            r = c.reply()  # always one JSON reply per line
            assert isinstance(r.get("ok"), bool), (raw, r)
        c.ok("PING")


def test_stalled_clients_do_not_block_others():
    with Skyd() as s:
        stalled = []
        for i in range(60):
            c = s.connect()
            if i % 3 == 0:
                c.send(b"SELECT count(")  # a partial line, never finished
            elif i % 3 == 1:
                c.send(b"PING\n" * 50)  # never reads its replies
            stalled.append(c)
        c = s.connect()
        t0 = time.monotonic()
        for _ in range(200):
            c.ok("PING")
        assert time.monotonic() - t0 < 5 * SLOW


def test_half_close_gets_all_replies():
    with Skyd() as s:
        c = s.connect()
        c.send(b"PING\nSHOW TABLES\nPING")  # the last line has no "\n"
        c.sock.shutdown(socket.SHUT_WR)
        assert c.reply()["pong"] is True
        assert c.reply()["ok"] is True
        assert c.reply()["pong"] is True
        assert c.at_eof()


def test_abrupt_disconnects():
    with Skyd() as s:
        for i in range(50):
            c = s.connect()
            c.send(b"SHOW TABLES\n" * (i + 1))
            c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            c.close()  # reset
        c = s.connect()
        c.ok("PING")
        wait_for(lambda: s.log().count(" close ") >= 50, 10, "50 closes logged")
        assert s.stop() == 0


def test_logging():
    with Skyd("--slow-query", "0") as s:
        c = s.connect()
        c.ok("SHOW TABLES")
        c.ok("QUIT")
        c.at_eof()
        wait_for(lambda: "(quit)" in s.log(), 5, "close logged")
        log = s.log()
        assert " open 127.0.0.1:" in log
        assert "slow statement" in log and "SHOW TABLES" in log
        assert "requests" in log


def test_sigterm_exits_zero():
    with Skyd() as s:
        idle = s.connect()
        idle.ok("PING")
        partial = s.connect()
        partial.send(b"SHOW TAB")
        assert s.stop(signal.SIGTERM) == 0
        assert idle.at_eof()
        log = s.log()
        assert "SIGTERM: shutting down" in log and "stopped" in log
    with Skyd() as s:
        assert s.stop(signal.SIGINT) == 0


def test_second_server_on_same_data_fails():
    with Skyd() as s:
        out = subprocess.run([SKYD, "--data", s.data, "--listen", "127.0.0.1:0"], capture_output=True,
                             text=True, timeout=30 * SLOW)
        assert out.returncode == 1 and "cannot open data directory" in out.stderr, out.stderr
        s.connect().ok("PING")


def test_many_connections_at_once():
    with Skyd() as s:
        errors = []

        def client(i):
            try:
                c = s.connect()
                for _ in range(20):
                    c.ok("PING")
                c.ok("SHOW TABLES")
                c.close()
            except Exception as e:  # reported below
                errors.append(repr(e))

        threads = [threading.Thread(target=client, args=(i,)) for i in range(200)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors[:5]


if __name__ == "__main__":
    run_tests(globals())
