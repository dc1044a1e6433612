"""skytest.py — helpers of the end-to-end tests of skyd and sky-shell.

Starts real skyd processes on free ports (--listen 127.0.0.1:0; the port is
read back from skyd's "listening on" log line, so there is no race for a
port), each with its own data directory under $SKY_TEST_TMP, and talks to
them over TCP. Every process a test starts is killed when the test ends,
whatever happens. Standard library only.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

BUILD = os.path.abspath(os.environ.get("SKY_BUILD_DIR", os.path.join(os.path.dirname(__file__), "../../build/server")))
SOURCE = os.environ.get("SKY_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "../.."))
TMP = os.path.abspath(os.environ.get("SKY_TEST_TMP", tempfile.gettempdir()))
SKYD = os.path.join(BUILD, "skyd")
SHELL = os.path.join(BUILD, "sky-shell")
SKY_USER = os.path.join(BUILD, "sky-user")
# Sanitizer builds are several times slower: every wait scales with this.
SLOW = 4.0 if os.environ.get("SKY_SLOW_TESTS") or "asan" in BUILD or "tsan" in BUILD or "sanit" in BUILD else 1.0

_live = []
_scratch = []


def scratch(prefix):
    """A fresh directory under $SKY_TEST_TMP, removed when the test passes."""
    os.makedirs(TMP, exist_ok=True)
    path = tempfile.mkdtemp(dir=TMP, prefix=prefix)
    _scratch.append(path)
    return path


class Skyd:
    """One skyd process. Use as a context manager."""

    def __init__(self, *args, data=None, listen="127.0.0.1:0", wait=True, workdir=None):
        self.dir = workdir or scratch("skyd-")
        self.data = data or os.path.join(self.dir, "data")
        self.log_path = os.path.join(self.dir, "skyd-%d.log" % time.monotonic_ns())
        self.args = ["--data", self.data, "--listen", listen] + [str(a) for a in args]
        self.log_file = open(self.log_path, "wb")
        self.proc = subprocess.Popen([SKYD] + self.args, stdout=self.log_file, stderr=self.log_file,
                                     cwd=self.dir)
        _live.append(self)
        self.port = None
        if wait:
            self.wait_ready()

    def log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def wait_ready(self, timeout=30):
        deadline = time.monotonic() + timeout * SLOW
        while time.monotonic() < deadline:
            text = self.log()
            m = re.search(r"listening on 127\.0\.0\.1:(\d+)", text)
            if m and " ready: " in text:
                self.port = int(m.group(1))
                return
            if self.proc.poll() is not None:
                raise AssertionError("skyd exited with %s:\n%s" % (self.proc.returncode, text))
            time.sleep(0.02)
        raise AssertionError("skyd did not start:\n" + self.log())

    def connect(self, timeout=30):
        return Conn(self.port, timeout)

    def wait_exit(self, timeout=30):
        try:
            return self.proc.wait(timeout * SLOW)
        except subprocess.TimeoutExpired:
            raise AssertionError("skyd did not exit:\n" + self.log())

    def stop(self, sig=signal.SIGTERM, timeout=60):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.wait_exit(timeout)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self in _live:
            _live.remove(self)
        self.log_file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()


class Conn:
    """A protocol connection with a line buffer."""

    def __init__(self, port, timeout=30):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout * SLOW)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def line(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise EOFError("connection closed; buffered: %r" % self.buf[:200])
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line

    def reply(self):
        raw = self.line()
        try:
            return json.loads(raw)
        except ValueError:
            raise AssertionError("reply is not JSON: %r" % raw[:300])

    def req(self, text):
        self.send(text + "\n" if isinstance(text, str) else text + b"\n")
        return self.reply()

    def ok(self, text):
        r = self.req(text)
        assert r.get("ok") is True, "%s -> %s" % (text, r)
        return r

    def err(self, text, code):
        r = self.req(text)
        assert r.get("ok") is False and r["error"]["code"] == code, "%s -> %s (wanted %s)" % (text, r, code)
        return r

    def at_eof(self, timeout=10):
        """True when the server closes the connection within `timeout`."""
        self.sock.settimeout(timeout * SLOW)
        try:
            while True:
                chunk = self.sock.recv(1 << 16)
                if not chunk:
                    break
                self.buf += chunk
        except socket.timeout:
            return False
        except ConnectionResetError:
            pass
        self.sock.close()  # as any client would: lets the server free the slot now
        return True

    def close(self):
        self.sock.close()


def make_users(path, users, ops=1, mem="8KiB"):
    """Adds users {name: password} to a users file with sky-user."""
    for name, password in users.items():
        p = subprocess.run([SKY_USER, "add", path, name, "--ops", str(ops), "--mem", mem],
                           input=(password + "\n").encode(), capture_output=True)
        assert p.returncode == 0, p.stderr.decode()


def wait_for(cond, timeout=10, what="condition"):
    deadline = time.monotonic() + timeout * SLOW
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.02)
    raise AssertionError("timed out waiting for " + what)


def run_tests(namespace, argv=None):
    """Runs every test_* function of `namespace` in order; exit status 1 on
    any failure. Arguments select tests by substring."""
    argv = sys.argv[1:] if argv is None else argv
    tests = [(n, f) for n, f in namespace.items() if n.startswith("test_") and callable(f)]
    if argv:
        tests = [(n, f) for n, f in tests if any(a in n for a in argv)]
    failed = []
    for name, fn in tests:
        t0 = time.monotonic()
        try:
            fn()
            print("ok   %-40s %.2fs" % (name, time.monotonic() - t0), flush=True)
        except Exception:
            failed.append(name)
            print("FAIL %s\n%s" % (name, traceback.format_exc()), flush=True)
        finally:
            for s in list(_live):
                if name in failed and s.proc.poll() is None:
                    print("  (skyd log follows)\n" + s.log()[-3000:], flush=True)
                s.kill()
            for path in _scratch:
                if name in failed:
                    print("  (files kept in %s)" % path, flush=True)
                else:
                    shutil.rmtree(path, ignore_errors=True)
            del _scratch[:]
    print("%d passed, %d failed%s" % (len(tests) - len(failed), len(failed),
                                      (": " + ", ".join(failed)) if failed else ""))
    sys.exit(1 if failed else 0)
