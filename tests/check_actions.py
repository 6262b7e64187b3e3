#!/usr/bin/python3
"""Checks a month's actions against its metrics.json (SPEC 4.8).

usage: tests/check_actions.py MONTH_DIR

The executive summary (index.html) lists at most 10 partners under
"Actions", the first 10 of metrics.json's actions in order, and says how
many more there are ("N more partners with actions", linked to
actions.html) when there are more than 10. actions.html lists, under each
flag's heading, exactly the partners whose actions in metrics.json carry
that flag, in metrics.json's order. Exits 0 when all hold, else prints each
failure and exits 1.
"""
import html.parser
import json
import os
import sys

SHOWN = 10
# flag in metrics.json -> the id of its heading on actions.html
HEADINGS = {"promote": "promote", "demote": "demote", "review_overdue": "review-overdue",
            "enablement_missing": "enablement-missing", "untapped_overlap": "untapped-overlap",
            "tier_stale": "stale-tier"}


class Page(html.parser.HTMLParser):
    """Link texts per <h2> section (named by the heading's id, else its
    text): in list items (li) and table cells (td)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.section = None
        self.heading = None
        self.items = {}      # section -> [first link text of each li]
        self.cells = {}      # section -> [link texts in td]
        self.links = {}      # section -> [(href, text)]
        self.li = self.td = False
        self.link = None
        self.li_link = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "h2":
            self.heading = [a.get("id"), ""]
        elif tag == "li":
            self.li, self.li_link = True, False
        elif tag == "td":
            self.td = True
        elif tag == "a":
            self.link = [a.get("href", ""), ""]

    def handle_endtag(self, tag):
        if tag == "h2":
            self.section = self.heading[0] or self.heading[1].strip()
            self.heading = None
        elif tag == "li":
            self.li = False
        elif tag == "td":
            self.td = False
        elif tag == "a" and self.link:
            href, text = self.link[0], self.link[1].strip()
            self.links.setdefault(self.section, []).append((href, text))
            if self.li and not self.li_link:
                self.items.setdefault(self.section, []).append(text)
                self.li_link = True
            if self.td:
                self.cells.setdefault(self.section, []).append(text)
            self.link = None

    def handle_data(self, data):
        if self.heading is not None:
            self.heading[1] += data
        if self.link is not None:
            self.link[1] += data


def parse(path):
    p = Page()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    return p


def main(month):
    fails = []
    with open(os.path.join(month, "metrics.json"), encoding="utf-8") as f:
        mj = json.load(f)
    names = {p["id"]: p["name"] for p in mj["partners"]}
    actions = mj["actions"]

    summary = parse(os.path.join(month, "index.html"))
    shown = summary.items.get("Actions", [])
    want = [names[a["partner"]] for a in actions[:SHOWN]]
    if shown != want:
        fails.append("the summary's actions are %r, not the first %d of metrics.json: %r"
                     % (shown[:12], SHOWN, want))
    more = len(actions) - SHOWN
    if more > 0:
        text = "{:,} more partner{} with actions".format(more, "" if more == 1 else "s")
        if ("actions.html", text) not in summary.links.get("Actions", []):
            fails.append("the summary has no link %r to actions.html" % text)

    page = parse(os.path.join(month, "actions.html"))
    listed = set()
    for flag, heading in HEADINGS.items():
        got = page.cells.get(heading, [])
        want = [names[a["partner"]] for a in actions if flag in a["flags"]]
        listed.update(got)
        if got != want:
            fails.append("actions.html under %s lists %d partners, metrics.json has %d with that "
                         "flag (first difference at %s)" % (heading, len(got), len(want),
                         next((i for i, (g, w) in enumerate(zip(got, want)) if g != w),
                              min(len(got), len(want)))))
    everyone = {names[a["partner"]] for a in actions}
    if listed != everyone:
        fails.append("actions.html lists %d partners, metrics.json has %d with actions"
                     % (len(listed), len(everyone)))
    for f in fails:
        print("%s: %s" % (month, f))
    if not fails:
        print("%s: %d actions, %d on the summary, all on actions.html" % (month, len(actions), len(shown)))
    return 1 if fails else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: check_actions.py MONTH_DIR", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
