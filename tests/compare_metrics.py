#!/usr/bin/env python3
"""Compare two metrics.json files figure by figure: a pack built from raw
exports and the same data hand-converted to the plain format must agree on
every figure. "fx" and "data_quality" are left out: they describe how the
input was read (rates used, files, footers), not the figures.
usage: compare_metrics.py RAW.json PLAIN.json"""
import json
import sys

SKIP = {"fx", "data_quality"}


def walk(a, b, path, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in list(a) + [k for k in b if k not in a]:
            if not path and k in SKIP:
                continue
            if k not in a or k not in b:
                out.append(f"{path}/{k}: only in {'plain' if k in b else 'raw'}")
                continue
            walk(a[k], b[k], f"{path}/{k}", out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path}: {len(a)} items in raw, {len(b)} in plain")
        for i, (x, y) in enumerate(zip(a, b)):
            walk(x, y, f"{path}[{i}]", out)
    elif a != b or type(a) is not type(b):
        out.append(f"{path}: raw {a!r}, plain {b!r}")


def main():
    raw = json.load(open(sys.argv[1], encoding="utf-8"))
    plain = json.load(open(sys.argv[2], encoding="utf-8"))
    out = []
    walk(raw, plain, "", out)
    # the figures must not be empty: a comparison of two empty packs proves nothing
    won = raw["totals"]["month"]["won_deals"] + raw["direct"]["month"]["won_deals"]
    if not won:
        out.append("no won deal in the period: the fixture proves nothing")
    for line in out[:40]:
        print(line)
    if len(out) > 40:
        print(f"... and {len(out) - 40} more")
    sys.exit(1 if out else 0)


main()
