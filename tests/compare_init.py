#!/usr/bin/env python3
"""Compare the metrics.json of a pack built with the program.ini `init`
wrote against one built with a hand-written program.ini, with
compare_metrics.py, after setting aside what init cannot know:
  - the program's name (a placeholder until the user names it);
  - the tiers' ids and labels: init names a tier after the export's value
    ("Gold Partner", id gold-partner) where the hand-written file may say
    "Strategic": both sides' tiers are renamed by rank;
  - with --grouped, the tiers themselves: the hand-written file puts
    several of the export's values in one tier (Platinum and Gold in
    strategic) where init makes a tier per value. Then every figure that
    follows from the tiers (tier blocks, each partner's tier, its review
    cadence and recommendation, actions, health) is set aside, and all
    the others (program, direct, lift, each partner's blocks) compared.
usage: compare_init.py [--grouped] INIT.json HAND.json"""
import json
import os
import subprocess
import sys
import tempfile

TIER_KEYS = ("tier", "recommendation", "review_span_days", "reviews_expected",
             "reviews_held", "review_adherence", "days_since_review")
TOP_TIER_KEYS = ("tiers", "actions", "health", "next_fix")


def by_rank(m):
    names = {}
    for t in m.get("tiers", []):
        names[t["id"]] = f"rank-{t['rank']}"
        t["id"] = t["label"] = f"rank-{t['rank']}"
    for p in m.get("partners", []):
        p["tier"] = names.get(p["tier"], p["tier"])
    for d in m.get("drivers", {}).get("by_tier", []):
        d["tier"] = names.get(d["tier"], d["tier"])


def without_tiers(m):
    for k in TOP_TIER_KEYS:
        m.pop(k, None)
    m.get("drivers", {}).pop("by_tier", None)
    for p in m.get("partners", []):
        for k in TIER_KEYS:
            p.pop(k, None)
    totals = m.get("totals", {})
    totals.pop("review_adherence", None)


def main():
    args = sys.argv[1:]
    grouped = "--grouped" in args
    paths = [a for a in args if a != "--grouped"]
    out = []
    for path in paths:
        m = json.load(open(path, encoding="utf-8"))
        m["program"]["name"] = "(set aside)"
        if grouped:
            without_tiers(m)
        else:
            by_rank(m)
        f = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8")
        json.dump(m, f)
        f.close()
        out.append(f.name)
    here = os.path.dirname(os.path.abspath(__file__))
    rc = subprocess.call([sys.executable, os.path.join(here, "compare_metrics.py")] + out)
    for p in out:
        os.unlink(p)
    sys.exit(rc)


main()
