"""test_check_layers.py — the layer checker fails on each kind of forbidden
include and passes a tree that follows the rule (a checker that never fails
would prove nothing)."""
import os
import subprocess
import sys
import tempfile

CHECKER = sys.argv[1]
LAYERS = ["common", "storage", "parser", "codegen", "db", "server", "client", "shell"]


def tree(extra):
    """A minimal tree with one file per layer, plus `extra` {path: text}."""
    root = tempfile.mkdtemp(dir=os.environ.get("SKY_TEST_TMP"), prefix="layers-")
    files = {"src/sky.h": "#include <stdint.h>\n", "grammar/sky.y": '#include "parser/ast.h"\n'}
    for layer in LAYERS:
        files["src/%s/%s.h" % (layer, layer)] = '#include "common/common.h"\n#include "sky.h"\n'
    files.update(extra)
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
    return root


def run(extra):
    p = subprocess.run([sys.executable, CHECKER, tree(extra)], capture_output=True, text=True)
    return p.returncode, p.stdout


def main():
    code, out = run({})
    assert code == 0, out
    bad = {
        "src/codegen/finalize.c": '#include "server/result.h"\n',  # engine knows the server
        "src/storage/reader.h": '#include "parser/stmt.h"\n',  # storage knows the parser
        "src/server/x.c": '#include "db/db_internal.h"\n',  # skyd past sky.h
        "src/client/y.c": '#include "shell/shell_print.h"\n',  # upward
        "src/common/z.c": '  #  include "storage/io.h"\n',  # spacing does not hide it
        "src/db/w.c": '#include "../server/server.h"\n',  # relative paths are refused
        "src/sky.h": '#include "common/alloc.h"\n',  # the public API stays a leaf
        "src/extra/v.c": "",  # an unknown folder
    }
    for path, text in bad.items():
        code, out = run({path: text})
        assert code == 1 and path in out, (path, code, out)
    print("ok: the checker passes a good tree and fails %d bad ones" % len(bad))


main()
