#!/usr/bin/env python3
"""check_layers.py — fails when a source file includes a header of a layer
it must not know about (docs/ARCHITECTURE.md, "Layers").

Each folder under src/ is one layer. Arrows point only downward:

    common ← storage ← parser ← codegen ← db        (libsky)
    common ← server      (skyd; the statement layer only through sky.h)
    common ← client ← shell   (the shell also opens libsky through sky.h)

src/sky.h is libsky's public API: any layer may include it, and it
includes no project header. grammar/ belongs to the parser layer. Tests,
tools and benchmarks may include anything. A quoted include must name its
folder ("storage/segment.h"), never a relative path, so that this check
sees every arrow.

Usage: tools/check_layers.py [SOURCE_DIR]; exit status 1 lists each
forbidden include as FILE:LINE: LAYER may not include HEADER.
"""
import os
import re
import sys

ALLOWED = {
    "common": {"common"},
    "storage": {"common", "storage"},
    "parser": {"common", "storage", "parser"},
    "codegen": {"common", "storage", "parser", "codegen"},
    "db": {"common", "storage", "parser", "codegen", "db"},
    "server": {"common", "server"},
    "client": {"common", "client"},
    "shell": {"common", "client", "shell"},
}
# Quoted includes that are not project headers (generated in the build tree).
GENERATED = {"sky_parser.h", "sky_lexer.h"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def layer_of(rel):
    parts = rel.split("/")
    if parts[0] == "grammar":
        return "parser"
    if parts[0] == "src" and len(parts) > 2:
        return parts[1]
    return None


def check(root):
    problems = []
    layers_seen = set()
    for top in ("src", "grammar"):
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for name in sorted(files):
                if not re.search(r"\.(c|h|y|l)$", name):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root).replace(os.sep, "/")
                layer = layer_of(rel)
                if rel == "src/sky.h":
                    layer = "sky.h"
                elif layer is None:
                    problems.append("%s: a source file outside every layer folder" % rel)
                    continue
                elif layer not in ALLOWED:
                    problems.append("%s: folder src/%s is not a known layer" % (rel, layer))
                    continue
                layers_seen.add(layer)
                with open(path, encoding="utf-8", errors="replace") as f:
                    for n, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        inc = m.group(1)
                        if inc in GENERATED:
                            continue
                        if inc == "sky.h":
                            if layer == "sky.h":
                                problems.append("%s:%d: sky.h may not include itself" % (rel, n))
                            continue
                        if ".." in inc.split("/") or "/" not in inc:
                            problems.append("%s:%d: include \"%s\" must name its folder" % (rel, n, inc))
                            continue
                        target = inc.split("/")[0]
                        if layer == "sky.h" or target not in ALLOWED.get(layer, ()):
                            problems.append("%s:%d: %s may not include %s" % (rel, n, layer, inc))
    missing = set(ALLOWED) - layers_seen
    if missing:
        problems.append("layers without sources (update ALLOWED): %s" % ", ".join(sorted(missing)))
    return problems


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    problems = check(os.path.abspath(root))
    for p in problems:
        print(p)
    if problems:
        print("check_layers: %d forbidden include(s); see docs/ARCHITECTURE.md, Layers" % len(problems))
        return 1
    print("check_layers: every include follows the layers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
