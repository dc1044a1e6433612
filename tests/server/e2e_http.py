"""e2e_http.py — HTTP on skyd's line port, end to end.

Any web page the user has open can make the browser send an HTTP request
to 127.0.0.1:8585 (fetch with mode 'no-cors', or an HTML form with
enctype="text/plain"): the request line and headers arrive as request
lines and the body as a statement. skyd must close such a connection and
run nothing more from it, whatever is queued behind the HTTP line, while
other clients go on being served. Checked with the exact bytes browsers
send, HTTP/1.0 and 1.1, several paths and content types, a WebSocket
upgrade, pipelined statements before the request, with and without users,
and inside a LOAD stream (where lines are data, never inspected)."""
import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from skytest import Skyd, make_users, run_tests, scratch, wait_for

REFUSED = "refused an HTTP request on the line port from 127.0.0.1:"

# What each hostile body would do if it ran.
BODIES = [
    "CREATE TABLE pwn (x STATE INT)",
    "DROP TABLE keep",
    "INSERT INTO keep (object, timestamp, action) VALUES (99, 5, 'pwned')",
    "DELETE OBJECT 1 FROM keep",
]


def data_digest(path):
    """Every file under the data directory with its bytes' hash."""
    out = {}
    for root, _, files in os.walk(path):
        for name in files:
            full = os.path.join(root, name)
            if name.endswith(".lock"):
                continue
            with open(full, "rb") as f:
                out[os.path.relpath(full, path)] = hashlib.sha256(f.read()).hexdigest()
    return out


def http_post(version, target, ctype, body):
    """The bytes a browser writes for fetch(..., {method: 'POST', body}) or a
    text/plain form: CRLF line ends, the body without a final newline."""
    head = ("POST %s HTTP/%s\r\nHost: 127.0.0.1:8585\r\nConnection: keep-alive\r\n"
            "Content-Length: %d\r\nOrigin: http://evil.example\r\nContent-Type: %s\r\n"
            "User-Agent: Mozilla/5.0\r\nAccept: */*\r\n\r\n" % (target, version, len(body), ctype))
    return (head + body).encode()


def setup(s):
    c = s.connect()
    c.ok("CREATE TABLE keep (plan STATE STRING)")
    c.ok("INSERT INTO keep (object, timestamp, action, plan) VALUES (1, 1, 'view', 'free'), (2, 2, 'buy', 'pro')")
    c.ok("USE keep")
    return c


def assert_refused(c):
    """The connection ends without a single reply."""
    assert c.at_eof(), "connection left open"
    assert c.buf == b"", "a reply was sent: %r" % c.buf[:200]


def test_posts_change_nothing():
    with Skyd() as s:
        other = setup(s)
        before = data_digest(s.data)
        n = 0
        for version in ("1.0", "1.1"):
            for target in ("/", "/query?x=1", "/api/v1/drop", "*"):
                for ctype in ("text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
                              "multipart/form-data; boundary=x"):
                    for body in BODIES:
                        c = s.connect()
                        # A text/plain form sends "name=value"; fetch sends the
                        # body as it is; both with and without a line end.
                        text = body + ("\n" if n % 2 else "")
                        c.send(http_post(version, target, ctype, text))
                        assert_refused(c)
                        n += 1
                other.ok("PING")  # served throughout
        r = other.ok("SELECT count(), objects() FROM keep")
        assert r["rows"] == [[2, 2]], r
        tables = [row[0] for row in other.ok("SHOW TABLES")["rows"]]
        assert tables == ["keep"], tables
        assert data_digest(s.data) == before
        wait_for(lambda: s.log().count(REFUSED) == n, 10, "one log line per refused request")
        assert "(http request refused)" in s.log()


def test_form_post_split_over_reads():
    """The request trickles in byte by byte: nothing after the first line
    runs, whenever it arrives."""
    with Skyd() as s:
        other = setup(s)
        c = s.connect()
        for byte in http_post("1.1", "/", "text/plain", "DROP TABLE keep=\n"):
            try:
                c.send(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                break
        assert_refused(c)
        assert [r[0] for r in other.ok("SHOW TABLES")["rows"]] == ["keep"]
        assert other.ok("SELECT count()")["rows"] == [[2]]


def test_websocket_upgrade_closed():
    with Skyd() as s:
        other = setup(s)
        c = s.connect()
        c.send(b"GET /chat HTTP/1.1\r\nHost: 127.0.0.1:8585\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        assert_refused(c)
        other.ok("PING")
        wait_for(lambda: REFUSED in s.log(), 10, "the refusal logged")


def test_header_line_alone_closes():
    with Skyd() as s:
        other = setup(s)
        c = s.connect()
        c.send(b"Host: 127.0.0.1\r\nDROP TABLE keep\r\n")
        assert_refused(c)
        assert other.ok("SELECT count()")["rows"] == [[2]]


def test_pipelined_before_and_after():
    """Statements before the HTTP line are answered; nothing queued after
    it runs, even when all arrive in one write (one worker batch)."""
    with Skyd() as s:
        other = setup(s)
        c = s.connect()
        c.send(b"USE keep\nSELECT count()\nPING\nPOST / HTTP/1.1\nDROP TABLE keep\nCREATE TABLE pwn (x STATE INT)\n")
        assert c.reply()["ok"] is True
        assert c.reply()["rows"] == [[2]]
        assert c.reply() == {"ok": True, "pong": True}
        assert c.at_eof()
        assert c.buf == b"", c.buf
        assert [r[0] for r in other.ok("SHOW TABLES")["rows"]] == ["keep"]


def test_statements_that_look_like_http_still_run():
    with Skyd() as s:
        c = setup(s)
        c.ok("INSERT INTO keep (object, timestamp, action) VALUES (3, 3, 'POST / HTTP/1.1')")
        assert c.ok("SELECT count() WHERE action = 'POST / HTTP/1.1'")["rows"] == [[1]]
        assert c.ok("SELECT count() WHERE action = 'Host: x'")["rows"] == [[0]]
        c.err("GET / HTTP/1.1 x", "syntax_error")  # not the shape of a request line
        c.ok("PING")
        assert REFUSED not in s.log()


def test_load_stream_lines_are_data():
    """Inside LOAD ... FROM STDIN, a line shaped like a header is a row."""
    with Skyd() as s:
        c = setup(s)
        assert c.req("LOAD INTO keep FORMAT CSV FROM STDIN") == {"ok": True, "ready": True}
        c.send("action,object,timestamp\nHost: x,7,10\nPOST / HTTP/1.1,8,11\n\\.\n")
        r = c.reply()
        assert r["ok"] is True, r
        assert c.ok("SELECT count() WHERE action = 'Host: x'")["rows"] == [[1]]
        assert c.ok("SELECT count() WHERE action = 'POST / HTTP/1.1'")["rows"] == [[1]]
        assert REFUSED not in s.log()


def test_with_users_before_and_after_auth():
    d = scratch("http-users-")
    users = os.path.join(d, "users")
    make_users(users, {"alice": "pw"})
    with Skyd("--users", users, workdir=d) as s:
        other = s.connect()
        other.ok("AUTH alice pw")
        setup_tables = other
        setup_tables.ok("CREATE TABLE keep (plan STATE STRING)")
        # Before AUTH: closed, the AUTH and statement behind it never run.
        c = s.connect()
        c.send(b"POST / HTTP/1.1\r\nHost: x\r\n\r\nAUTH alice pw\nDROP TABLE keep\n")
        assert_refused(c)
        # After a successful AUTH: the same.
        c = s.connect()
        c.send(b"AUTH alice pw\nPOST / HTTP/1.1\nDROP TABLE keep\n")
        assert c.reply()["ok"] is True
        assert c.at_eof() and c.buf == b""
        assert [r[0] for r in other.ok("SHOW TABLES")["rows"]] == ["keep"]
        wait_for(lambda: s.log().count(REFUSED) == 2, 10, "two refusals logged")


if __name__ == "__main__":
    run_tests(globals())
