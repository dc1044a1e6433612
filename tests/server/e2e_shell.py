"""e2e_shell.py — sky-shell end to end against a real skyd (and in embedded
mode): -c output in each format against golden files, errors with a caret
(also for multi-line statements read from a pipe), -f, exit statuses,
backslash commands, \\load with its progress bar, LOAD ... FROM STDIN fed
from the shell's input, passwords, readable times, FUNNEL conversion
bars, the RETENTION triangle, LIFECYCLE chart and STICKINESS bars (on
SELECTs that name and type their columns the same way), and the interactive editor (completion, persistent history, Ctrl-C
and Ctrl-D) driven through a pseudo-terminal.

Set SKY_UPDATE_GOLDEN=1 to rewrite the golden files; review the diff."""
import difflib
import os
import pty
import select
import termios
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from skytest import SHELL, SLOW, Skyd, make_users, run_tests, scratch, wait_for

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")

SETUP = [
    "CREATE TABLE events (plan STATE STRING, price EVENT FLOAT, qty EVENT INT, note EVENT STRING)",
    "INSERT INTO events (object, timestamp, action, plan, price, qty, note) VALUES "
    "(1, '2026-03-01T10:00:00Z', 'signup', 'free', NULL, NULL, 'hello, \"world\"'), "
    "(1, '2026-03-01T11:00:00Z', 'purchase', NULL, 9.5, 2, NULL), "
    "(18446744073709551615, '2026-03-02', 'signup', 'pro', NULL, NULL, ''), "
    "(18446744073709551615, '2026-03-02T01:00:00Z', 'purchase', NULL, 20.25, 1, 'tab\there'), "
    "(2, '2026-03-03', 'purchase', NULL, 3.0, 4, 'caf\u00e9')",
]
QUERIES = [
    "SELECT state.plan, count(), sum(qty), avg(price) FROM events GROUP BY state.plan",
    "SELECT object, count() AS n, max(note) FROM events GROUP BY object",
    "GET OBJECT 18446744073709551615 FROM events",
    "SHOW TABLES",
]


def shell(port, *args, input=None, env=None):
    full_env = dict(os.environ)
    full_env.pop("SKY_PASSWORD", None)
    full_env.update(env or {})
    return subprocess.run([SHELL, "-p", str(port)] + list(args), input=input, capture_output=True, text=True,
                          env=full_env, timeout=120 * SLOW)


def embedded(data, *args, input=None):
    return subprocess.run([SHELL, "--data", data] + list(args), input=input, capture_output=True, text=True,
                          timeout=120 * SLOW)


def golden(name, text):
    path = os.path.join(GOLDEN, name)
    if os.environ.get("SKY_UPDATE_GOLDEN"):
        os.makedirs(GOLDEN, exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        return
    with open(path) as f:
        want = f.read()
    if text != want:
        diff = "".join(difflib.unified_diff(want.splitlines(True), text.splitlines(True), "golden/" + name, "actual"))
        raise AssertionError("output differs from golden/%s:\n%s" % (name, diff))


def prepared_server(*args):
    s = Skyd(*args)
    c = s.connect()
    for stmt in SETUP:
        c.ok(stmt)
    c.close()
    return s


def query_args():
    out = []
    for q in QUERIES:
        out += ["-c", q]
    return out


def test_formats_match_golden():
    with prepared_server() as s:
        for fmt in ("table", "csv", "json"):
            p = shell(s.port, "--format", fmt, *query_args())
            assert p.returncode == 0, p.stderr
            assert p.stderr == "", p.stderr
            golden("shell_%s.out" % fmt, p.stdout)
        # \format switches inside one run too.
        p = shell(s.port, "-c", "\\format csv", "-c", QUERIES[-1], "-c", "\\format json", "-c", QUERIES[-1])
        assert p.returncode == 0, p.stderr
        lines = p.stdout.splitlines()
        assert lines[0] == "table,events,objects", p.stdout
        assert lines[2] == '{"columns":["table","events","objects"],"types":["STRING","INT","INT"]}', p.stdout
        assert lines[3].startswith("{\"table\":\"events\""), p.stdout


TIMES = ("SELECT object, min(timestamp), max(timestamp) - min(timestamp) AS span, count() FROM events "
         "WHERE object < 100 GROUP BY object ORDER BY object")


def test_readable_times():
    """TIMESTAMP and DURATION columns print as ISO-8601 UTC and d hh:mm:ss
    in the table and CSV formats, aligned; JSON keeps the integers and says
    the types; --timestamps raw and \\set timestamps raw print integers."""
    with prepared_server() as s:
        c = s.connect()
        c.ok("INSERT INTO events (object, timestamp, action) VALUES (7, 1767571200576082, 'a'), "
             "(7, 1767661261000001, 'b'), (8, -500000, 'c')")
        r = c.ok(TIMES)
        assert r["types"] == ["INT", "TIMESTAMP", "DURATION", "INT"], r
        assert r["rows"][2:] == [[7, 1767571200576082, 90060423919, 2], [8, -500000, 0, 1]], r  # values unchanged
        c.close()
        p = shell(s.port, "-c", TIMES)
        assert p.returncode == 0, p.stderr
        lines = p.stdout.splitlines()
        assert lines[0] == " object |       min(timestamp)       |        span        | count()", lines
        assert lines[2] == "      1 | 2026-03-01 10:00:00        | 01:00:00           |       2", lines
        assert lines[4] == "      7 | 2026-01-05 00:00:00.576082 | 1d 01:01:00.423919 |       2", lines
        assert lines[5] == "      8 | 1969-12-31 23:59:59.5      | 00:00:00           |       1", lines
        p = shell(s.port, "--format", "csv", "-c", TIMES)
        assert p.stdout.splitlines()[3] == "7,2026-01-05 00:00:00.576082,1d 01:01:00.423919,2", p.stdout
        p = shell(s.port, "--format", "json", "-c", TIMES)
        lines = p.stdout.splitlines()
        assert lines[0] == ('{"columns":["object","min(timestamp)","span","count()"],'
                            '"types":["INT","TIMESTAMP","DURATION","INT"]}'), lines
        assert lines[3] == '{"object":7,"min(timestamp)":1767571200576082,"span":90060423919,"count()":2}', lines
        for args in (["--timestamps", "raw", "--format", "csv"], ["--format", "csv", "-c", "\\set timestamps raw"]):
            p = shell(s.port, *args, "-c", TIMES)
            assert p.returncode == 0, p.stderr
            assert p.stdout.splitlines()[3] == "7,1767571200576082,90060423919,2", p.stdout
        p = shell(s.port, "--timestamps", "raw", "-c", "\\set timestamps iso", "-c", TIMES, "--format", "csv")
        assert p.stdout.splitlines()[3] == "7,2026-01-05 00:00:00.576082,1d 01:01:00.423919,2", p.stdout
        p = shell(s.port, "--timestamps", "utc", "-c", TIMES)
        assert p.returncode == 2 and "iso or raw" in p.stderr, p.stderr
        p = shell(s.port, "-c", "\\set timestamps", "-c", "\\set colour blue")
        assert p.returncode == 1 and "iso or raw" in p.stderr and "unknown setting" in p.stderr, p.stderr


FUNNEL_SETUP = [
    "CREATE TABLE f (country STATE STRING)",
    "INSERT INTO f (object, timestamp, action, country) VALUES "
    + ", ".join(["(%d, 0, 'view', 'fr')" % o for o in range(1, 9)] + ["(%d, 60000000, 'cart', NULL)" % o for o in (1, 2, 3)]
                + ["(1, 120000000, 'buy', NULL)", "(9, 0, 'view', 'de')"]),
]
FUNNEL = "FUNNEL action = 'view' THEN action = 'cart' AS cart THEN action = 'buy' WITHIN 1h GROUP BY state.country"
FUNNEL_NONE = "FUNNEL action = 'view' THEN action = 'cart' WITHIN 1h WHERE action = 'none'"
FULL_BAR = "\u2588" * 20
FUNNEL_TABLE = [
    " state.country | step |      name       | objects | conversion |  step_conversion   | median_time | avg_time "
    "| median_step_time |       conversion bar",
    "---------------+------+-----------------+---------+------------+--------------------+-------------+----------"
    "+------------------+-----------------------------",
    " de            |    1 | action = 'view' |       1 |        1.0 |                1.0 | 00:00:00    | 00:00:00 "
    "| NULL             | " + FULL_BAR + " 100.0%",
    " de            |    2 | cart            |       0 |        0.0 |                0.0 | NULL        | NULL     "
    "| NULL             | " + " " * 23 + "0.0%",
    " de            |    3 | action = 'buy'  |       0 |        0.0 | NULL               | NULL        | NULL     "
    "| NULL             | " + " " * 23 + "0.0%",
    " fr            |    1 | action = 'view' |       8 |        1.0 |                1.0 | 00:00:00    | 00:00:00 "
    "| NULL             | " + FULL_BAR + " 100.0%",
    " fr            |    2 | cart            |       3 |      0.375 |              0.375 | 00:01:00    | 00:01:00 "
    "| 00:01:00         | " + "\u2588" * 7 + "\u258c" + " " * 14 + "37.5%",
    " fr            |    3 | action = 'buy'  |       1 |      0.125 | 0.3333333333333333 | 00:02:00    | 00:02:00 "
    "| 00:01:00         | " + "\u2588" * 2 + "\u258c" + " " * 19 + "12.5%",
    "(6 rows)",
]


def test_funnel_bars():
    """A FUNNEL ... RETURN STEPS result gets a bar of each step's conversion
    in the table format (one per group's steps, 0% empty, 100% full, NULL
    conversion an empty cell), aligned like any column; \\set bars off
    leaves it out; CSV, JSON and other results never have it."""
    with Skyd() as s:
        c = s.connect()
        for stmt in FUNNEL_SETUP:
            c.ok(stmt)
        c.close()
        p = shell(s.port, "--table", "f", "-c", FUNNEL, "-c", FUNNEL_NONE)
        assert p.returncode == 0 and p.stderr == "", p.stderr
        remote = p.stdout
        lines = p.stdout.splitlines()
        assert lines[:9] == FUNNEL_TABLE, "\n".join(lines)
        assert len({len(line) for line in lines[2:8]}) == 1, lines  # every row as wide: code points are cells
        assert lines[9].endswith("| median_step_time | conversion bar"), lines[9]
        assert lines[11] == ("    1 | action = 'view' |       0 | NULL       |             1.0 | NULL        | NULL     "
                             "| NULL             | "), lines[11]  # NULL conversion: an empty cell
        # CSV and JSON carry the reply's columns only, --format csv or \\format csv.
        for args in (["--format", "csv"], ["-c", "\\format csv"]):
            p = shell(s.port, "--table", "f", *args, "-c", FUNNEL)
            assert p.returncode == 0, p.stderr
            lines = p.stdout.splitlines()
            assert lines[0] == "state.country,step,name,objects,conversion,step_conversion,median_time,avg_time," \
                               "median_step_time", lines
            assert lines[5] == "fr,2,cart,3,0.375,0.375,00:01:00,00:01:00,00:01:00", lines
            assert "\u2588" not in p.stdout and "%" not in p.stdout, p.stdout
        p = shell(s.port, "--table", "f", "--format", "json", "-c", FUNNEL)
        assert "conversion bar" not in p.stdout and "\u2588" not in p.stdout, p.stdout
        # \\set bars off: the reply's columns only; on again: the bars.
        p = shell(s.port, "--table", "f", "-c", "\\set bars off", "-c", FUNNEL, "-c", "\\set",
                  "-c", "\\set bars on", "-c", FUNNEL)
        assert p.returncode == 0, p.stderr
        lines = p.stdout.splitlines()
        without = ([FUNNEL_TABLE[0].rsplit(" | ", 1)[0], FUNNEL_TABLE[1].rsplit("+", 1)[0]]
                   + [line.rsplit(" | ", 1)[0].rstrip() for line in FUNNEL_TABLE[2:8]] + ["(6 rows)"])
        assert lines[:9] == without, "\n".join(lines)
        assert lines[9:12] == ["timestamps iso", "bars off", "pivot off"], lines
        assert lines[12:] == FUNNEL_TABLE, lines
        p = shell(s.port, "-c", "\\set bars maybe")
        assert p.returncode == 1 and "\\set bars takes on or off" in p.stderr, p.stderr
        p = shell(s.port, "-c", "\\help")
        assert "\\set bars on|off" in p.stdout and "(now on)" in p.stdout, p.stdout
        # Other results are untouched, a column named "objects" included.
        p = shell(s.port, "--table", "f", "-c", "SELECT count() AS objects, 0.5 AS conversion")
        assert p.stdout == " objects | conversion\n---------+------------\n      13 |        0.5\n(1 row)\n", p.stdout
        # The same in embedded mode.
        assert s.stop() == 0
        local = embedded(s.data, "--table", "f", "-c", FUNNEL, "-c", FUNNEL_NONE)
        assert local.returncode == 0 and local.stdout == remote, local.stdout + local.stderr


PATHS_SETUP = [
    "CREATE TABLE pa (page EVENT STRING)",
    "INSERT INTO pa (object, timestamp, action, page) VALUES (1, 0, 'view', 'home'), (1, 60000000, 'cart', NULL), "
    "(1, 300000000, 'pay', 'checkout'), (2, 0, 'view', 'home'), (2, 600000000, 'cart', 'product')",
]
PATHS = "PATHS AFTER action = 'view' STEPS 2 OF page"
PATHS_TABLE = [
    " step | source \u2192 target | count | objects | avg_time",
    "------+-----------------+-------+---------+----------",
    "    1 | home \u2192 product  |     1 |       1 | 00:10:00",
    "    2 | NULL \u2192 checkout |     1 |       1 | 00:04:00",
    "(2 rows)",
]


def test_paths_edges():
    """A PATHS result prints source and target as one `source → target`
    column in the table format (a NULL end as NULL), counts right-aligned,
    remotely and embedded; CSV keeps the reply's columns."""
    with Skyd() as s:
        c = s.connect()
        for stmt in PATHS_SETUP:
            c.ok(stmt)
        c.close()
        p = shell(s.port, "--table", "pa", "-c", PATHS)
        assert p.returncode == 0 and p.stderr == "", p.stderr
        assert p.stdout.splitlines() == PATHS_TABLE, p.stdout
        remote = p.stdout
        # EXPLAIN IR compiles it, WHERE (folded into the anchor) included.
        p = shell(s.port, "--table", "pa", "--format", "csv", "-c", "EXPLAIN IR " + PATHS + " WHERE object > 1")
        assert p.returncode == 0 and "sky_path_jit_push" in p.stdout and "not compiled" not in p.stdout, p.stdout
        p = shell(s.port, "--table", "pa", "--format", "csv", "-c", PATHS)
        assert p.stdout.splitlines()[:2] == ["step,source,target,count,objects,avg_time",
                                             "1,home,product,1,1,00:10:00"], p.stdout
        assert s.stop() == 0
        local = embedded(s.data, "--table", "pa", "-c", PATHS)
        assert local.returncode == 0 and local.stdout == remote, local.stdout + local.stderr


# SELECTs shaped like RETENTION, LIFECYCLE and STICKINESS results: the shell
# knows them by their columns' names and types alone.
COHORT_SETUP = [
    "CREATE TABLE c (k EVENT STRING, a EVENT INT, b EVENT INT, x EVENT INT, y EVENT FLOAT, z EVENT INT)",
    "INSERT INTO c (object, timestamp, action, k, a, b, x, y, z) VALUES "
    "(1, 0, 'r', '2026-03-02', 0, 21, 21, 1.0, NULL), (1, 1, 'r', '2026-03-02', 1, 21, 10, 0.47619, NULL), "
    "(1, 2, 'r', '2026-03-02', 2, 21, 4, 0.190476, NULL), (1, 3, 'r', '2026-03-09', 0, 8, 8, 1.0, NULL), "
    "(1, 4, 'r', '2026-03-09', 1, 8, 3, 0.375, NULL), (1, 5, 'r', '2026-03-16', 0, 5, 5, 1.0, NULL), "
    "(2, 0, 'l', '2026-03-02', 4, 0, 0, NULL, 0), (2, 1, 'l', '2026-03-09', 2, 1, 0, NULL, 2), "
    "(2, 2, 'l', '2026-03-16', 0, 0, 1, NULL, 3)",
]
RETENTION_LIKE = ("SELECT event.k AS cohort, event.a AS period, min(event.b) AS cohort_size, min(event.x) AS objects, "
                  "min(event.y) AS share WHERE action = 'r' GROUP BY event.k, event.a")
LIFECYCLE_LIKE = ("SELECT event.k AS period, min(event.a) AS new, min(event.b) AS returning, "
                  "min(event.x) AS resurrecting, min(event.z) AS dormant WHERE action = 'l' GROUP BY event.k")
STICKINESS_LIKE = "SELECT event.a AS periods, count() AS objects WHERE action = 'l' GROUP BY event.a"
TRIANGLE = [
    "   cohort   | cohort_size |   0    |   1   |   2",
    "------------+-------------+--------+-------+-------",
    " 2026-03-02 |          21 | 100.0% | 47.6% | 19.0%",
    " 2026-03-09 |           8 | 100.0% | 37.5% | ",
    " 2026-03-16 |           5 | 100.0% |       | ",
    "(3 rows)",
]


def test_cohort_views():
    """\\pivot on prints a RETENTION result as its cohort triangle (cells
    placed by cohort and period whatever the row order, missing ones empty),
    table format only; a LIFECYCLE table is followed by its chart and a
    STICKINESS table gets bars, both under \\set bars."""
    with Skyd() as s:
        c = s.connect()
        for stmt in COHORT_SETUP:
            c.ok(stmt)
        c.close()
        p = shell(s.port, "--table", "c", "-c", RETENTION_LIKE, "-c", "\\pivot", "-c", RETENTION_LIKE,
                  "-c", RETENTION_LIKE + " ORDER BY share LIMIT 4", "-c", "\\set")
        assert p.returncode == 0 and p.stderr == "", p.stderr
        lines = p.stdout.splitlines()
        assert lines[0] == "   cohort   | period | cohort_size | objects |  share", lines  # pivot off: as sent
        assert lines[9:15] == TRIANGLE, "\n".join(lines)
        assert lines[15:] == [
            TRIANGLE[0], TRIANGLE[1], TRIANGLE[2],
            " 2026-03-09 |           8 |        | 37.5% | ",  # LIMIT 4 of ORDER BY share: period 0 is gone
            "(2 rows)", "timestamps iso", "bars on", "pivot on"], "\n".join(lines)
        # CSV and JSON are never pivoted; \\pivot off and \\set pivot switch it back.
        p = shell(s.port, "--table", "c", "-c", "\\pivot on", "--format", "csv", "-c", RETENTION_LIKE + " LIMIT 1")
        assert p.stdout == "cohort,period,cohort_size,objects,share\n2026-03-02,0,21,21,1.0\n", p.stdout
        p = shell(s.port, "--table", "c", "-c", "\\set pivot on", "-c", "\\pivot off", "-c", RETENTION_LIKE + " LIMIT 1")
        assert p.stdout.splitlines()[0] == "   cohort   | period | cohort_size | objects | share", p.stdout
        p = shell(s.port, "-c", "\\pivot maybe")
        assert p.returncode == 1 and "\\pivot takes on or off" in p.stderr, p.stderr
        p = shell(s.port, "-c", "\\help")
        assert "\\pivot [on|off]" in p.stdout and "(now off)" in p.stdout, p.stdout
        # The lifecycle chart after its table, the stickiness bars; \\set bars off: neither.
        p = shell(s.port, "--table", "c", "-c", LIFECYCLE_LIKE, "-c", STICKINESS_LIKE)
        assert p.returncode == 0, p.stderr
        lines = p.stdout.splitlines()
        assert lines[5:12] == [
            "(3 rows)",
            "",
            " 2026-03-02" + " " * 26 + "\u2502" + "\u2588" * 32,  # 7 objects at most across: 8 cells each
            " 2026-03-09" + " " * 10 + "\u2591" * 16 + "\u2502" + "\u2588" * 16 + "\u2593" * 8,
            " 2026-03-16  " + "\u2591" * 24 + "\u2502" + "\u2592" * 8,
            " \u2591 dormant \u2502 \u2588 new  \u2593 returning  \u2592 resurrecting  (objects per cell: 0.125)",
            " periods | objects |      share of objects",
        ], "\n".join(lines)
        assert lines[13:16] == ["       %d |       1 | " % n + "\u2588" * 6 + "\u258b" + " " * 15 + "33.3%"
                                for n in (0, 2, 4)], "\n".join(lines)
        p = shell(s.port, "--table", "c", "-c", "\\set bars off", "-c", LIFECYCLE_LIKE, "-c", STICKINESS_LIKE)
        assert "\u2591" not in p.stdout and "share of objects" not in p.stdout, p.stdout
        remote = shell(s.port, "--table", "c", "-c", "\\pivot on", "-c", RETENTION_LIKE, "-c", LIFECYCLE_LIKE).stdout
        assert s.stop() == 0
        local = embedded(s.data, "--table", "c", "-c", "\\pivot on", "-c", RETENTION_LIKE, "-c", LIFECYCLE_LIKE)
        assert local.returncode == 0 and local.stdout == remote, local.stdout + local.stderr


def test_start_on_table():
    """--table T starts on T: statements without FROM work at once (the
    run command opens the demo this way); an unknown table is an error."""
    with prepared_server() as s:
        p = shell(s.port, "--table", "events", "--format", "csv", "-c", "SELECT count()")
        assert p.returncode == 0 and p.stdout == "count()\n5\n", (p.stdout, p.stderr)
        p = shell(s.port, "--table", "nowhere", "-c", "SELECT count()")
        assert p.returncode == 1 and "unknown_table" in p.stderr, p.stderr


def test_errors_with_caret():
    with prepared_server() as s:
        p = shell(s.port, "-c", "SELECT count() FROM events GROPU BY plan", "-c", "SELECT count() FROM nowhere",
                  "-c", "SHOW TABLES")
        assert p.returncode == 1
        assert "(1 row)" in p.stdout  # later statements still run
        golden("shell_errors.err", p.stderr)
        # A multi-line statement from a pipe: the caret goes under the line typed.
        script = "SHOW TABLES;\nSELECT count()\n  FROM events\n  WHERE nope = 1;\n"
        p = shell(s.port, input=script)
        assert p.returncode == 1
        golden("shell_multiline.err", p.stderr)


CARET_SCRIPT = "SHOW TABLES;\nSHOW TABLES;\nSELECT count() FROM events WHERE nope = 1;\nSHOW TABLES; SELECT count()\n  FROM events\n  WHERE nada = 1;\n"
CARET_WANT = ("ERROR: unknown_property: unknown property 'nope'\n"
              "LINE 1: SELECT count() FROM events WHERE nope = 1\n"
              "                                         ^\n"
              "ERROR: unknown_property: unknown property 'nada'\n"
              "LINE 3:   WHERE nada = 1\n"
              "                ^\n")


def test_caret_lines_count_within_the_statement():
    """LINE n counts from the statement's first line in -c, -f, piped and
    interactive input alike, whatever lines came before it."""
    with prepared_server() as s:
        p = shell(s.port, input=CARET_SCRIPT)
        assert p.returncode == 1 and p.stderr == CARET_WANT, p.stderr
        d = scratch("caret-")
        path = os.path.join(d, "script.sky")
        with open(path, "w") as f:
            f.write(CARET_SCRIPT)
        p = shell(s.port, "-f", path)
        assert p.returncode == 1 and p.stderr == CARET_WANT, p.stderr
        p = shell(s.port, "-c", CARET_SCRIPT)
        assert p.returncode == 1 and p.stderr == CARET_WANT, p.stderr
        env = dict(os.environ, HOME=d, TERM="xterm")
        env.pop("SKY_PASSWORD", None)
        t = Pty(["-p", str(s.port)], env)
        try:
            t.expect("sky> ")
            screen = ""
            for line in CARET_SCRIPT.splitlines():  # each line once the prompt is back, as typed
                t.mark()
                t.send(line + "\r")
                t.expect("> ")
                t.wait_editing()
                screen += t.out.decode("utf-8", "replace")
            assert "LINE 3:   WHERE nada = 1" in screen, screen
            assert "LINE 1: SELECT count() FROM events WHERE nope = 1" in screen, screen
            t.send("\\q\r")
            assert t.close() == 1  # statements failed
        finally:
            t.kill()


def test_file_and_statuses():
    with prepared_server() as s:
        d = scratch("shellf-")
        path = os.path.join(d, "script.sky")
        with open(path, "w") as f:
            f.write("-- a comment; with a semicolon\nSELECT count()\n  FROM events; SELECT count() FROM events\n")
        p = shell(s.port, "--format", "csv", "-f", path)
        assert p.returncode == 0, p.stderr
        assert p.stdout == "count()\n5\ncount()\n5\n", p.stdout
        p = shell(s.port, "-c", "\\nosuch")
        assert p.returncode == 1 and "unknown command" in p.stderr
        p = shell(s.port, "--format", "yaml", "-c", "SHOW TABLES")
        assert p.returncode == 2
        p = subprocess.run([SHELL, "-p", "1", "-c", "SHOW TABLES"], capture_output=True, text=True)
        assert p.returncode == 2 and "cannot connect" in p.stderr
        p = shell(s.port, "-c", "\\timing on", "-c", "SHOW TABLES", "-c", "\\help")
        assert p.returncode == 0 and "Time: " in p.stdout and " ms" in p.stdout and "\\load" in p.stdout


def test_embedded_mode_same_output():
    with prepared_server() as s:
        remote = shell(s.port, "--format", "table", *query_args())
        assert s.stop() == 0
        local = embedded(s.data, "--format", "table", *query_args())
        assert local.returncode == 0, local.stderr
        assert local.stdout == remote.stdout
        p = embedded(s.data, "-c", "SELECT count() FROM events GROPU BY plan")
        assert p.returncode == 1 and "^" in p.stderr


def write_csv(path, n, first_object=1000):
    with open(path, "w") as f:
        f.write("object,timestamp,action,qty\n")
        for i in range(n):
            f.write("%d,%d,view,%d\n" % (first_object + i % 500, 1700000000000000 + i, i % 7))


def test_load_with_progress():
    with prepared_server() as s:
        d = scratch("load-")
        csv = os.path.join(d, "rows.csv")
        write_csv(csv, 20000)
        p = shell(s.port, "-c", "\\load %s INTO events" % csv, "-c", "SELECT count() FROM events",
                  "--format", "csv", env={"SKY_PROGRESS": "1"})
        assert p.returncode == 0, p.stderr
        assert "20000" in p.stdout.splitlines()[0], p.stdout
        assert p.stdout.splitlines()[-1] == "20005", p.stdout
        assert "%" in p.stderr and "events/s" in p.stderr and "ETA" in p.stderr, p.stderr
        nd = os.path.join(d, "rows.ndjson")
        with open(nd, "w") as f:
            for i in range(10):
                f.write('{"object":%d,"timestamp":%d,"action":"click"}\n' % (7 + i, 1700000000000000 + i))
        p = shell(s.port, "-c", "\\load '%s' INTO events" % nd, "-c", "SELECT count() FROM events",
                  "--format", "csv")
        assert p.returncode == 0 and p.stdout.splitlines()[-1] == "20015", (p.stdout, p.stderr)
        # A file holding a "\." line is refused and nothing of it is loaded.
        bad = os.path.join(d, "bad.csv")
        with open(bad, "w") as f:
            f.write("object,timestamp,action\n1,1,a\n\\.\n2,2,b\n")
        p = shell(s.port, "-c", "\\load %s INTO events" % bad, "-c", "SELECT count() FROM events", "--format", "csv")
        assert p.returncode == 1 and "nothing was loaded" in p.stderr, p.stderr
        assert p.stdout.splitlines()[-1] == "20015", p.stdout
        p = shell(s.port, "-c", "\\load %s INTO events" % os.path.join(d, "rows.txt"))
        assert p.returncode == 1 and "FORMAT" in p.stderr
        p = shell(s.port, "-c", "\\load %s INTO nowhere" % csv)
        assert p.returncode == 1 and "unknown_table" in p.stderr


def test_load_from_shell_input():
    with prepared_server() as s:
        script = ("LOAD INTO events FORMAT CSV FROM STDIN;\nobject,timestamp,action\n5,1,a\n6,2,b\n\\.\n"
                  "SELECT count() FROM events;\n")
        p = shell(s.port, "--format", "csv", input=script)
        assert p.returncode == 0, p.stderr
        assert p.stdout.splitlines()[-1] == "7", p.stdout
        # -c with the data on stdin.
        p = shell(s.port, "-c", "LOAD INTO events FORMAT NDJSON FROM STDIN",
                  input='{"object":9,"timestamp":5,"action":"x"}\n')
        assert p.returncode == 0, p.stderr
        assert "1" in p.stdout


def test_password_from_environment():
    d = scratch("shellauth-")
    users = os.path.join(d, "users")
    make_users(users, {"alice": "pa ss"})
    with Skyd("--users", users, workdir=d) as s:
        p = shell(s.port, "-u", "alice", "-c", "SHOW TABLES", env={"SKY_PASSWORD": "pa ss"})
        assert p.returncode == 0, p.stderr
        p = shell(s.port, "-u", "alice", "-c", "SHOW TABLES", env={"SKY_PASSWORD": "wrong"})
        assert p.returncode == 2 and "auth_failed" in p.stderr
        p = shell(s.port, "-c", "SHOW TABLES")
        assert p.returncode == 1 and "auth_required" in p.stderr


class Pty:
    """sky-shell on a pseudo-terminal."""

    def __init__(self, args, env):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(SHELL, [SHELL] + args, env)
        self.out = b""

    def send(self, text):
        os.write(self.fd, text.encode())

    def expect(self, needle, timeout=15):
        deadline = time.monotonic() + timeout * SLOW
        while needle.encode() not in self.out:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("did not see %r in:\n%r" % (needle, self.out[-2000:]))
            r, _, _ = select.select([self.fd], [], [], left)
            if r:
                try:
                    self.out += os.read(self.fd, 65536)
                except OSError:
                    break
        if needle.encode() not in self.out:
            raise AssertionError("did not see %r in:\n%r" % (needle, self.out[-2000:]))

    def mark(self):
        self.out = b""

    def wait_editing(self, timeout=15):
        """Waits until libedit reads keys in raw mode. Between printing the
        prompt and switching the terminal out of canonical mode, a ^D is
        taken by the tty itself (its EOF marker) and never reaches the
        line editor; a person types after that instant, so must a test."""
        deadline = time.monotonic() + timeout * SLOW
        while termios.tcgetattr(self.fd)[3] & termios.ICANON:
            if time.monotonic() > deadline:
                raise AssertionError("terminal never left canonical mode")
            time.sleep(0.01)

    def close(self, timeout=15):
        """Waits for the shell to exit; its exit status."""
        deadline = time.monotonic() + timeout * SLOW
        try:
            while True:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
                if pid:
                    return os.waitstatus_to_exitcode(status)
                if time.monotonic() > deadline:
                    raise AssertionError("sky-shell did not exit; screen:\n%r" % self.out[-2000:])
                r, _, _ = select.select([self.fd], [], [], 0.05)
                if r:
                    try:
                        self.out += os.read(self.fd, 65536)
                    except OSError:
                        pass
        finally:
            os.close(self.fd)

    def kill(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def history_entries(path):
    """The entries of a libedit history file (vis(3)-encoded lines)."""
    with open(path, "rb") as f:
        lines = f.read().decode().splitlines()
    assert lines[0] == "_HiStOrY_V2_", lines[:1]
    return [bytes(l, "ascii").decode("unicode_escape") for l in lines[1:]]


def test_interactive_completion_and_history():
    with prepared_server() as s:
        home = scratch("home-")
        env = dict(os.environ, HOME=home, TERM="xterm")
        env.pop("SKY_PASSWORD", None)
        t = Pty(["-p", str(s.port)], env)
        try:
            t.expect("sky> ")
            # Keywords, tables, and properties after "state." complete; the
            # statement only runs if every completion produced the right text.
            t.send("SEL\tcount() FROM ev\tWHERE state.pl\tIS NOT NULL GRO\tBY state.plan;\r")
            t.expect("(2 rows)")
            t.expect("sky> ")
            t.mark()
            t.send("sel\tcount() fr\tevents;\r")  # keywords follow the case typed
            t.expect("(1 row)")
            t.mark()
            t.send("SELECT medi\tprice) FROM events;\r")  # function names come from libsky's table
            t.expect("(1 row)")
            t.mark()
            t.send("SELECT count()\r")  # a statement over two lines
            t.expect("...> ")
            t.send("FROM events;\r")
            t.expect("(1 row)")
            t.send("\\form\tcsv\r")
            t.expect("Output format is csv.")
            t.send("\\se\tti\tr\t\r")  # \set timestamps raw, completed
            t.expect("Timestamps print as integer microseconds.")
            t.send("\\se\tpi\ton\r")  # \set pivot on
            t.expect("RETENTION pivot is on.")
            t.send("\\piv\tof\t\r")  # \pivot off
            t.expect("RETENTION pivot is off.")
            t.send("USE events;\r")
            t.expect("sky:events> ")
            t.send("\\q\r")
            status = t.close()
            assert status == 0, "exit status %s; screen:\n%s" % (status, t.out[-4000:].decode("utf-8", "replace"))
        finally:
            t.kill()
        entries = history_entries(os.path.join(home, ".sky_history"))
        assert "SELECT count() FROM events WHERE state.plan IS NOT NULL GROUP BY state.plan;" in entries, entries
        assert "select count() from events;" in entries, entries
        assert "SELECT count() FROM events;" in entries, entries
        assert entries[-1] == "\\q", entries
        # A new session recalls earlier statements with the up arrow.
        t = Pty(["-p", str(s.port)], env)
        try:
            t.expect("sky> ")
            t.send("\x1b[A\x1b[A")  # skip "\q", land on "USE events;"
            t.send("\r")
            t.expect("sky:events> ")
            t.wait_editing()
            t.send("\x04")  # Ctrl-D ends the session
            status = t.close()
            assert status == 0, "exit status %s; screen:\n%s" % (status, t.out[-4000:].decode("utf-8", "replace"))
        finally:
            t.kill()


HEAVY = "SELECT count() GROUP BY timestamp HAVING count() > 1;"  # seconds over 2M events


def big_server(d):
    """skyd logging every statement, over 2M generated events in `events`."""
    subprocess.run([os.path.join(os.path.dirname(SHELL), "sky-gen"), "--events", "2000000", "--seed", "1",
                    "--format", "csv", "--out", os.path.join(d, "ev.csv")], check=True)
    s = Skyd("--slow-query", "0ms", "--load-dir", d)
    c = s.connect()
    c.ok("CREATE TABLE events (plan STATE STRING, country STATE STRING, price EVENT FLOAT)")
    c.ok("LOAD 'ev.csv' INTO events")
    c.close()
    return s


def ctrl_c_session(t, d, remote):
    """The Ctrl-C tour, the same remote and embedded: a running query, a
    line being typed, a \\load of a FIFO that never ends and a LOAD
    stream typed at the prompt are each cancelled; the settings and the
    current table stay, and nothing of the loads lands."""
    t.expect("sky:events> ")
    t.send("\\format csv\r")
    t.expect("Output format is csv.")
    t.send("\\set timestamps raw\r")
    t.expect("Timestamps print as integer microseconds.")
    t.send(HEAVY + "\r")
    time.sleep(0.5)
    t.mark()
    t.send("\x03")
    t.expect("Cancelled: the statement was stopped")
    t.expect("sky:events> ")  # the current table is kept
    assert b"ERROR" not in t.out, t.out
    t.send("SELECT count(), min(timestamp);\r")
    t.expect("count(),min(timestamp)\r\n2000000,1767571200008111\r\n")  # csv, raw: settings kept
    # Ctrl-C while typing drops the line, and a pending statement too.
    # (Each time, the next keys wait for the new prompt, as a person's do:
    # typed before it, they would meet the terminal in canonical mode.)
    t.wait_editing()
    t.send("SELECT nonsense")
    t.mark()
    t.send("\x03")
    t.expect("^C\r\nsky:events> ")
    t.send("SELECT count()\r")
    t.expect("...> ")
    t.wait_editing()
    t.mark()
    t.send("\x03")
    t.expect("^C\r\nsky:events> ")
    t.mark()
    t.send("SELECT 42;\r")
    t.expect("42\r\n")
    assert b"ERROR" not in t.out, t.out
    # \load of a FIFO kept open: abandoned, nothing lands.
    fifo = os.path.join(d, "remote.csv" if remote else "local.csv")
    os.mkfifo(fifo)
    t.send("\\load %s INTO events\r" % fifo)
    w = os.open(fifo, os.O_WRONLY)
    try:
        os.write(w, b"object,timestamp,action\n1,1,a\n2,2,b\n")
        time.sleep(0.5)
        t.mark()
        t.send("\x03")
        t.expect("Cancelled: the load was abandoned; nothing was loaded.")
        t.expect("sky:events> ")
    finally:
        os.close(w)
    # LOAD ... FROM STDIN with its data typed: abandoned at the ">> " prompt.
    t.send("LOAD INTO events FORMAT CSV FROM STDIN;\r")
    t.expect(">> ")
    t.send("object,timestamp,action\r")
    t.expect(">> ")
    t.send("3,3,c\r")
    t.expect(">> ")
    t.wait_editing()
    t.send("\x03")
    t.expect("Cancelled: the LOAD stream was abandoned; nothing was loaded.")
    t.expect("sky:events> ")
    t.mark()
    t.send("SELECT count();\r")
    t.expect("count()\r\n2000000\r\n")
    t.send("\\set\r")
    t.expect("timestamps raw")
    t.wait_editing()
    t.send("\x04")  # Ctrl-D quits
    assert t.close() == 1  # statements were cancelled


def test_ctrl_c_cancels_and_keeps_the_shell():
    d = scratch("ctrlc-")
    env = dict(os.environ, HOME=d, TERM="xterm")
    env.pop("SKY_PASSWORD", None)
    s = big_server(d)
    with s:
        t = Pty(["-p", str(s.port), "--table", "events"], env)
        try:
            ctrl_c_session(t, d, True)
        finally:
            t.kill()
        # skyd saw a reset and stopped the query early (a full run takes
        # seconds), and nothing of either stream was loaded.
        log = s.log()
        heavy = [l for l in log.splitlines() if HEAVY.rstrip(";") in l]
        assert len(heavy) == 1, log
        ms = float(heavy[0].split("slow statement ")[1].split(" ms")[0])
        assert ms < 2500, heavy
        assert "(connection reset)" in log, log
        c = s.connect()
        assert c.ok("SELECT count() FROM events")["rows"] == [[2000000]]
        c.close()
        assert s.stop() == 0
    # Embedded: the same, the query cancelled in-process.
    t = Pty(["--data", s.data, "--table", "events"], env)
    try:
        ctrl_c_session(t, d, False)
    finally:
        t.kill()


def test_ctrl_c_stops_a_script():
    """Not at a terminal, SIGINT cancels the running statement and ends the
    script there (status 1); what follows does not run."""
    d = scratch("ctrlcs-")
    with big_server(d) as s:
        opened = s.log().count(" open ")
        p = subprocess.Popen([SHELL, "-p", str(s.port), "--table", "events", "-c", HEAVY, "-c", "SELECT 42"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # The shell takes SIGINT over once connected (then 0.5 s more).
        wait_for(lambda: s.log().count(" open ") > opened, what="the shell's connection")
        time.sleep(0.5)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=30 * SLOW)
        assert p.returncode == 1, (p.returncode, out, err)
        assert "Cancelled: the statement was stopped" in err and "42" not in out, (out, err)


if __name__ == "__main__":
    run_tests(globals())
