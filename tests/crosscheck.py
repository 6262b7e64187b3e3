#!/usr/bin/env python3
"""Cross-check of metrics.json: first its shape (every key of SPEC section 5
with its type, null only where a figure may be absent, money with at most two
decimals, tiers by rank, the health parts in order), then its figures against
a second, independent reading of the spec (SPEC sections 3 and 4) written in
Python from the CSV files: every deal
block of the totals, the direct baseline, each tier and each partner, and
the ratios, governance figures, recommendations and health built on them,
what moved (drivers) and the actions list.

usage: crosscheck.py DATA_DIR METRICS_JSON

DATA_DIR must use the default column names and YYYY-MM-DD dates (as the
example does); optional files may be missing (their figures must then be null
and their action flags absent). Exits 0 when every figure agrees, else lists the differences
and exits 1."""
import calendar
import configparser
import csv
import datetime as dt
import json
import math
import sys
from decimal import Decimal, ROUND_HALF_UP

data_dir, metrics_path = sys.argv[1], sys.argv[2]
M = json.load(open(metrics_path, encoding="utf-8"))
problems = []


def rows(name):
    try:
        with open(f"{data_dir}/{name}", encoding="utf-8-sig", newline="") as f:
            return [{k.strip().lower(): (v or "").strip() for k, v in r.items()}
                    for r in csv.DictReader(f)]
    except FileNotFoundError:
        return None


def day(s):
    return dt.date.fromisoformat(s) if s else None


def cents(s):
    return int((Decimal(s) * 100).to_integral_value())


ini = configparser.ConfigParser(inline_comment_prefixes=(";", "#"))
ini.read(f"{data_dir}/program.ini", encoding="utf-8")
prog = ini["program"]
window_months = int(prog.get("window_months", "3"))
fy_start = int(prog.get("fiscal_year_start", "1"))
stale_days = int(prog.get("stale_tier_days", "180"))
assets = [a.strip().lower() for a in prog.get("enablement_assets", "pitch, playbook, training").split(",")]
tiers = sorted(((s[5:], int(ini[s]["rank"]), int(ini[s]["review_every_days"]))
                for s in ini.sections() if s.startswith("tier ")), key=lambda t: t[1])
tier_ids = [t[0] for t in tiers]
every = {t[0]: t[2] for t in tiers}

year, month = map(int, M["period"]["month"].split("-"))


def month_range(y, m):
    return dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1])


def add_months(y, m, k):
    n = y * 12 + (m - 1) + k
    return n // 12, n % 12 + 1


start, end = month_range(year, month)
prev = month_range(*add_months(year, month, -1))
wy, wm = add_months(year, month, -(window_months - 1))
window = (dt.date(wy, wm, 1), end)
fy_year = year if month >= fy_start else year - 1
ytd = (dt.date(fy_year, fy_start, 1), end)
ranges = {"month": (start, end), "previous": prev, "window": window, "ytd": ytd}

MONEY = MONEY_KEYS = {"won_revenue", "avg_won_deal", "new_pipeline", "open_pipeline", "sourced_revenue",
         "influenced_revenue", "untagged_revenue", "revenue_per_partner"}

partners = {r["partner_id"]: r for r in rows("partners.csv")}
deals = rows("deals.csv")
changes = rows("tier_changes.csv") or []
reviews = rows("reviews.csv")
completions = rows("enablement.csv")
forecasts = rows("forecast.csv")
incentives = rows("incentives.csv")
paid = {r["deal_id"] for r in incentives} if incentives is not None else set()


def tier_at(pid, d):
    ch = sorted((day(c["changed_on"]), i, c) for i, c in enumerate(changes) if c["partner_id"] == pid)
    before = [c for (cd, _, c) in ch if cd <= d]
    if before:
        return before[-1]["to_tier"]
    if ch:
        return ch[0][2]["from_tier"]
    return partners[pid]["tier"]


def active(pid):
    p = partners[pid]
    return day(p["joined_on"]) <= end and (not p["exited_on"] or day(p["exited_on"]) >= start)


tier_of = {pid: tier_at(pid, end) for pid in partners}
act = sorted(pid for pid in partners if active(pid))


def block(ds, r):
    lo, hi = r
    won = [d for d in ds if d["outcome"].lower() == "won" and d["closed_on"] and lo <= day(d["closed_on"]) <= hi]
    lost = [d for d in ds if d["outcome"].lower() == "lost" and d["closed_on"] and lo <= day(d["closed_on"]) <= hi]
    new = [d for d in ds if lo <= day(d["created_on"]) <= hi]
    open_ = [d for d in ds if day(d["created_on"]) <= hi and (not d["closed_on"] or day(d["closed_on"]) > hi)]
    wr = sum(cents(d["amount"]) for d in won)
    cyc = sorted((day(d["closed_on"]) - day(d["created_on"])).days for d in won)
    n = len(cyc)
    med = None if n == 0 else (cyc[n // 2] if n % 2 else (cyc[n // 2 - 1] + cyc[n // 2]) / 2)
    avg = None
    if won:
        avg = int((Decimal(wr) / len(won)).to_integral_value(rounding=ROUND_HALF_UP))

    def attr(a):
        return sum(cents(d["amount"]) for d in won if d["partner_id"] and d["attribution"].lower() == a)
    return {
        "won_revenue": wr, "won_deals": len(won), "lost_deals": len(lost),
        "win_rate": None if not won and not lost else len(won) / (len(won) + len(lost)),
        "avg_won_deal": avg, "median_cycle_days": med,
        "new_pipeline": sum(cents(d["amount"]) for d in new), "new_deals": len(new),
        "open_pipeline": sum(cents(d["amount"]) for d in open_),
        "sourced_revenue": attr("sourced"), "influenced_revenue": attr("influenced"),
        "untagged_revenue": attr(""),
    }



def same(where, want, got, money=False):
    if want is None or got is None:
        ok = want is None and got is None
    elif not isinstance(want, (bool, str, list)) and (isinstance(got, (bool, str, list, dict))):
        ok = False
    elif money:
        ok = round(got * 100) == want and abs(got * 100 - want) < 1e-6
    elif isinstance(want, (bool, str, list)):
        ok = want == got
    else:
        ok = math.isclose(want, got, rel_tol=1e-12, abs_tol=1e-12)
    if not ok:
        problems.append(f"{where}: expected {want!r}, metrics.json has {got!r}")


def check_block(where, ds, got, keys=ranges):
    for rk in keys:
        want = block(ds, ranges[rk])
        for k, v in want.items():
            same(f"{where}.{rk}.{k}", v, got[rk][k], k in MONEY)


# --- shape: every key of SPEC section 5, with its type ---------------------
NUM, INT, STR, BOOL, DATE = "number", "integer", "string", "boolean", "date"
BLOCK = {"won_revenue": NUM, "won_deals": INT, "lost_deals": INT, "win_rate": NUM + "?",
         "avg_won_deal": NUM + "?", "median_cycle_days": NUM + "?", "new_pipeline": NUM,
         "new_deals": INT, "open_pipeline": NUM, "sourced_revenue": NUM,
         "influenced_revenue": NUM, "untagged_revenue": NUM}


def typed(where, v, t):
    if isinstance(t, list):  # a list of objects, checked one by one below
        if not isinstance(v, list):
            problems.append(f"{where}: {v!r} is not a list")
        return
    if t.endswith("?"):
        if v is None:
            return
        t = t[:-1]
    ok = {NUM: isinstance(v, (int, float)) and not isinstance(v, bool),
          INT: isinstance(v, int) and not isinstance(v, bool),
          STR: isinstance(v, str), BOOL: isinstance(v, bool),
          DATE: isinstance(v, str) and len(v) == 10 and v[4] == "-" and v[7] == "-"}[t]
    if not ok:
        problems.append(f"{where}: {v!r} is not a {t}")


def shape(where, obj, keys):
    if not isinstance(obj, dict):
        problems.append(f"{where}: not an object")
        return
    for k, t in keys.items():
        if k not in obj:
            problems.append(f"{where}: key {k!r} missing")
        elif isinstance(t, dict):
            shape(f"{where}.{k}", obj[k], t)
        else:
            typed(f"{where}.{k}", obj[k], t)


blocks4 = {"month": BLOCK, "previous": BLOCK, "window": BLOCK, "ytd": BLOCK}
shape("metrics", M, {"schema": STR, "program": {"name": STR, "currency": STR},
                     "period": {"month": STR, "start": DATE, "end": DATE, "window_start": DATE,
                                "ytd_start": DATE, "previous": STR},
                     "totals": dict(blocks4, partners=INT, partner_share=NUM + "?",
                                    review_adherence=NUM + "?", enabled_share=NUM + "?",
                                    stale_share=NUM + "?", untagged_share=NUM + "?",
                                    incentive_alignment=NUM + "?", forecast_accuracy=NUM + "?",
                                    manager_spread=NUM + "?"),
                     "direct": blocks4,
                     "lift": {"win_rate_pts": NUM + "?", "deal_size": NUM + "?", "cycle_days": NUM + "?"},
                     "next_fix": STR + "?",
                     "drivers": {"by_tier": [], "direct": {"month": NUM, "previous": NUM, "change": NUM},
                                 "gainers": [], "decliners": []},
                     "actions": [],
                     "data_quality": {}})
same("schema", "reviewpack.metrics/1", M["schema"])
for i, t in enumerate(M["tiers"]):
    shape(f"tiers[{i}]", t, dict(blocks4, id=STR, label=STR, rank=INT, partners=INT,
                                 revenue_per_partner=NUM + "?", review_adherence=NUM + "?",
                                 enabled_share=NUM + "?", stale_share=NUM + "?",
                                 forecast_accuracy=NUM + "?", untagged_share=NUM + "?",
                                 incentive_alignment=NUM + "?"))
same("tiers (by rank)", list(range(1, len(M["tiers"]) + 1)), [t["rank"] for t in M["tiers"]])
for i, p in enumerate(M["partners"]):
    shape(f"partners[{i}]", p, {"id": STR, "name": STR, "tier": STR, "manager": STR + "?",
                                "month": BLOCK, "previous": BLOCK, "window": BLOCK,
                                "review_span_days": INT, "reviews_expected": INT,
                                "reviews_held": INT + "?", "review_adherence": NUM + "?",
                                "days_since_review": INT + "?", "last_qbr_on": DATE + "?",
                                "last_account_mapping_on": DATE + "?", "tier_age_days": INT,
                                "tier_stale": BOOL, "enablement_coverage": NUM + "?",
                                "enabled": BOOL + "?", "recommendation": STR + "?",
                                "untapped_overlap": BOOL})
same("health (parts in order)", ["tiering", "operating_model", "enablement", "attribution_incentives",
                                 "governance"], [h.get("part") for h in M["health"]])
drivers = M.get("drivers") if isinstance(M.get("drivers"), dict) else {}
for i, t in enumerate(drivers.get("by_tier") or []):
    shape(f"drivers.by_tier[{i}]", t, {"tier": STR, "month": NUM, "previous": NUM, "change": NUM})
for k in ("gainers", "decliners"):
    for i, g in enumerate(drivers.get(k) or []):
        shape(f"drivers.{k}[{i}]", g, {"partner": STR, "change": NUM})
    if len(drivers.get(k) or []) > 5:
        problems.append(f"drivers.{k}: {len(drivers[k])} entries, at most 5")
for i, a in enumerate(M.get("actions") or []):
    shape(f"actions[{i}]", a, {"partner": STR, "flags": [], "in_play": NUM})
ORDER = ["schema", "program", "period", "totals", "direct", "lift", "tiers", "partners", "health",
         "next_fix", "drivers", "actions", "data_quality"]
same("key order", ORDER, [k for k in M if k in ORDER])
for i, h in enumerate(M["health"]):
    shape(f"health[{i}]", h, {"part": STR, "status": STR, "evidence": STR})
    if h["status"] not in ("green", "amber", "red", "unknown"):
        problems.append(f"health[{i}].status: {h['status']!r}")
dq = M["data_quality"]
for k in ("rows", "warnings", "skipped"):
    if k not in dq:
        problems.append(f"data_quality: key {k!r} missing")
nf = next((h["part"] for h in M["health"] if h["status"] != "green"), None)
same("next_fix", nf, M["next_fix"])
DECIMAL_KEYS = MONEY_KEYS | {"month", "previous", "change", "in_play"}  # money in drivers, actions
with open(metrics_path, encoding="utf-8") as f:
    for n, line in enumerate(f, 1):  # money has at most two decimals
        k, _, v = line.strip().rstrip(",").partition(": ")
        if k.strip('"') in DECIMAL_KEYS and "." in v and len(v.split(".")[1]) > 2:
            problems.append(f"{metrics_path}:{n}: money with more than two decimals: {v}")

if problems:  # the figures below assume the shape
    print("\n".join(problems[:60]))
    print(f"{len(problems)} problems with the shape of metrics.json")
    sys.exit(1)

partner_deals = [d for d in deals if d["partner_id"]]
direct_deals = [d for d in deals if not d["partner_id"]]
check_block("totals", partner_deals, M["totals"])
check_block("direct", direct_deals, M["direct"])

# tiers
windows = {}
for t in M["tiers"]:
    tid = t["id"]
    ds = [d for d in partner_deals if tier_of[d["partner_id"]] == tid]
    check_block(f"tiers[{tid}]", ds, t)
    n = sum(1 for pid in act if tier_of[pid] == tid)
    same(f"tiers[{tid}].partners", n, t["partners"])
    w = block(ds, window)["won_revenue"]
    rpp = None if n == 0 else int((Decimal(w) / n).to_integral_value(rounding=ROUND_HALF_UP))
    same(f"tiers[{tid}].revenue_per_partner", rpp, t["revenue_per_partner"], True)

# partners
same("partners (ids)", act, [p["id"] for p in M["partners"]])
pw = {pid: block([d for d in partner_deals if d["partner_id"] == pid], window) for pid in act}
medians = {}
for tid in tier_ids:
    ws = sorted(pw[pid]["won_revenue"] for pid in act if tier_of[pid] == tid)
    n = len(ws)
    medians[tid] = None if n == 0 else (ws[n // 2] if n % 2 else (ws[n // 2 - 1] + ws[n // 2]) / 2)
overlaps = sorted(int(partners[pid]["overlap_accounts"] or 0) for pid in act)
p75 = overlaps[math.ceil(0.75 * len(overlaps)) - 1] if overlaps else None
per_partner = {}
want_actions = []
for p in M["partners"]:
    pid = p["id"]
    ds = [d for d in partner_deals if d["partner_id"] == pid]
    check_block(f"partners[{pid}]", ds, p, ("month", "previous", "window"))
    tid = tier_of[pid]
    same(f"partners[{pid}].tier", tid, p["tier"])
    e = every[tid]
    L = max((end - start).days + 1, e)
    span_lo = end - dt.timedelta(days=L - 1)
    expected = max(1, L // e)
    # without reviews.csv (or enablement.csv) those figures are not measured: null
    rv = [r for r in reviews or [] if r["partner_id"] == pid and day(r["held_on"]) <= end]
    deal_rv = [day(r["held_on"]) for r in rv if r["kind"].lower() == "deal_review"]
    held = sum(1 for d in deal_rv if d >= span_lo) if reviews is not None else None
    same(f"partners[{pid}].review_span_days", L, p["review_span_days"])
    same(f"partners[{pid}].reviews_expected", expected, p["reviews_expected"])
    same(f"partners[{pid}].reviews_held", held, p["reviews_held"])
    adh = min(1, held / expected) if held is not None else None
    same(f"partners[{pid}].review_adherence", adh, p["review_adherence"])
    same(f"partners[{pid}].days_since_review", (end - max(deal_rv)).days if deal_rv else None,
         p["days_since_review"])
    for kind, key in (("qbr", "last_qbr_on"), ("account_mapping", "last_account_mapping_on")):
        ds_ = [day(r["held_on"]) for r in rv if r["kind"].lower() == kind]
        same(f"partners[{pid}].{key}", max(ds_).isoformat() if ds_ else None, p[key])
    ch = [day(c["changed_on"]) for c in changes if c["partner_id"] == pid and day(c["changed_on"]) <= end]
    age = (end - (max(ch) if ch else day(partners[pid]["joined_on"]))).days
    same(f"partners[{pid}].tier_age_days", age, p["tier_age_days"])
    same(f"partners[{pid}].tier_stale", age > stale_days, p["tier_stale"])
    done = [a for a in assets
            if any(c["partner_id"] == pid and c["asset"].lower() == a and c["side"].lower() == s
                   and day(c["completed_on"]) <= end for c in completions or [] for s in ("host",))
            and any(c["partner_id"] == pid and c["asset"].lower() == a and c["side"].lower() == "partner"
                    and day(c["completed_on"]) <= end for c in completions or [])]
    enabled = len(done) == len(assets) if completions is not None else None
    same(f"partners[{pid}].enablement_coverage", len(done) / len(assets) if completions is not None else None,
         p["enablement_coverage"])
    same(f"partners[{pid}].enabled", enabled, p["enabled"])
    W = pw[pid]["won_revenue"]
    r = tier_ids.index(tid)
    rec = None
    if r > 0 and W > 0 and medians[tier_ids[r - 1]] is not None and W >= medians[tier_ids[r - 1]]:
        rec = "promote"
    elif r + 1 < len(tier_ids) and ((medians[tier_ids[r + 1]] is not None and W < medians[tier_ids[r + 1]])
                                     or (W == 0 and pw[pid]["new_deals"] == 0)):
        rec = "demote"
    same(f"partners[{pid}].recommendation", rec, p["recommendation"])
    ov = int(partners[pid]["overlap_accounts"] or 0)
    same(f"partners[{pid}].untapped_overlap", ov > 0 and ov >= p75 and pw[pid]["new_deals"] == 0,
         p["untapped_overlap"])
    per_partner[pid] = {"adh": adh, "enabled": enabled, "stale": age > stale_days}
    # SPEC 4.8 flags, in order; "when measured": only with the file present
    flags = [rec] if rec else []
    if held is not None and held < expected:
        flags.append("review_overdue")
    if enabled is False:
        flags.append("enablement_missing")
    if ov > 0 and ov >= p75 and pw[pid]["new_deals"] == 0:
        flags.append("untapped_overlap")
    if age > stale_days:
        flags.append("tier_stale")
    if flags:
        want_actions.append((rec is None, -(W + pw[pid]["open_pipeline"]), pid, flags))

# program ratios
T = M["totals"]
tw, dw = block(partner_deals, window), block(direct_deals, window)
same("totals.partners", len(act), T["partners"])
same("totals.partner_share", tw["won_revenue"] / (tw["won_revenue"] + dw["won_revenue"]), T["partner_share"])
adhs = [v["adh"] for v in per_partner.values() if v["adh"] is not None]
same("totals.review_adherence", sum(adhs) / len(adhs) if adhs else None, T["review_adherence"])
same("totals.enabled_share", sum(v["enabled"] for v in per_partner.values()) / len(act)
     if completions is not None else None, T["enabled_share"])
same("totals.stale_share", sum(v["stale"] for v in per_partner.values()) / len(act), T["stale_share"])
same("totals.untagged_share", tw["untagged_revenue"] / tw["won_revenue"], T["untagged_share"])
tagged = [d for d in partner_deals if d["outcome"].lower() == "won" and d["attribution"]
          and window[0] <= day(d["closed_on"]) <= window[1]]
same("totals.incentive_alignment", sum(d["deal_id"] in paid for d in tagged) / len(tagged)
     if incentives is not None and tagged else None, T["incentive_alignment"])
F = sum(cents(r["amount"]) for r in forecasts or [] if r["month"] == M["period"]["month"])
A = block(partner_deals, ranges["month"])["won_revenue"]
same("totals.forecast_accuracy", None if forecasts is None or (A == 0 and F == 0)
     else max(0, 1 - abs(A - F) / A) if A > 0 else 0, T["forecast_accuracy"])
mgr = {}
for d in partner_deals:
    if d["outcome"].lower() in ("won", "lost") and window[0] <= day(d["closed_on"]) <= window[1]:
        m = partners[d["partner_id"]]["manager"]
        if m:
            w, n = mgr.get(m, (0, 0))
            mgr[m] = (w + (d["outcome"].lower() == "won"), n + 1)
rates = [w / n for (w, n) in mgr.values() if n >= 5]
same("totals.manager_spread", max(rates) - min(rates) if len(rates) >= 2 else None, T["manager_spread"])
L = M["lift"]
same("lift.win_rate_pts", tw["win_rate"] - dw["win_rate"], L["win_rate_pts"])
same("lift.deal_size", (tw["won_revenue"] / tw["won_deals"]) / (dw["won_revenue"] / dw["won_deals"]) - 1,
     L["deal_size"])
same("lift.cycle_days", tw["median_cycle_days"] - dw["median_cycle_days"], L["cycle_days"])

# what moved (SPEC 4.7): month and previous won revenue per tier (its deals
# as in 4.1), direct, and the active partners' changes
D = M["drivers"]
same("drivers.by_tier (tiers by rank)", tier_ids, [t["tier"] for t in D["by_tier"]])
tier_sum = 0
for t in D["by_tier"]:
    ds = [d for d in partner_deals if tier_of[d["partner_id"]] == t["tier"]]
    mo, pr = block(ds, ranges["month"])["won_revenue"], block(ds, ranges["previous"])["won_revenue"]
    same(f"drivers.by_tier[{t['tier']}].month", mo, t["month"], True)
    same(f"drivers.by_tier[{t['tier']}].previous", pr, t["previous"], True)
    same(f"drivers.by_tier[{t['tier']}].change", mo - pr, t["change"], True)
    tier_sum += mo - pr
same("drivers: the tiers' changes add up to the partner change",
     block(partner_deals, ranges["month"])["won_revenue"] - block(partner_deals, ranges["previous"])["won_revenue"],
     tier_sum)
mo, pr = block(direct_deals, ranges["month"])["won_revenue"], block(direct_deals, ranges["previous"])["won_revenue"]
same("drivers.direct.month", mo, D["direct"]["month"], True)
same("drivers.direct.previous", pr, D["direct"]["previous"], True)
same("drivers.direct.change", mo - pr, D["direct"]["change"], True)
moves = []
for pid in act:
    ds = [d for d in partner_deals if d["partner_id"] == pid]
    moves.append((block(ds, ranges["month"])["won_revenue"] - block(ds, ranges["previous"])["won_revenue"], pid))
for key, want in (("gainers", sorted((-c, pid) for c, pid in moves if c > 0)[:5]),
                  ("decliners", sorted((c, pid) for c, pid in moves if c < 0)[:5])):
    got = D[key]
    same(f"drivers.{key} (partners)", [pid for _, pid in want], [g["partner"] for g in got])
    for (c, pid), g in zip(want, got):
        same(f"drivers.{key}[{pid}].change", abs(c) if key == "gainers" else c, g["change"], True)

# actions (SPEC 4.8): recommendations first, then in_play descending, then id
want_actions.sort()
same("actions (partners in order)", [a[2] for a in want_actions], [a["partner"] for a in M["actions"]])
for (_, neg_in_play, pid, flags), a in zip(want_actions, M["actions"]):
    same(f"actions[{pid}].flags", flags, a["flags"])
    same(f"actions[{pid}].in_play", -neg_in_play, a["in_play"], True)

if problems:
    print("\n".join(problems[:60]))
    print(f"{len(problems)} figures differ")
    sys.exit(1)
print("every figure of metrics.json agrees with the independent computation")
